// One test runner for the whole monorepo. Three levels, selectable with --selectProjects:
//   unit         *.spec.ts      pure logic, no I/O (apps, libs, and the bench harness)
//   integration  *.int-spec.ts  real Kafka / PostgreSQL / SMPP peers started by scripts/infra
//   e2e          *.e2e-spec.ts  whole journeys across services (separate OS processes)
// NestJS 12 is ESM-only; CommonJS-mode jest loads it through require(esm), which needs
// node --experimental-vm-modules (scripts/test.sh sets it).
const { readFileSync } = require('node:fs');

const swcConfig = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));
delete swcConfig.$schema;

const { compilerOptions } = JSON.parse(readFileSync(`${__dirname}/tsconfig.base.json`, 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias}$`,
    `<rootDir>/${target.replace(/^\.\//, '')}`,
  ]),
);

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', swcConfig] },
  moduleNameMapper,
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
  setupFiles: ['reflect-metadata'],
};

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,bench}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,bench}/**/*.int-spec.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/e2e/support/e2e-timeout.ts'],
    },
  ],
  // Read only at the top level, not per project: generous for integration tests on real
  // infrastructure; e2e files raise it further (test/e2e/support/e2e-timeout.ts).
  testTimeout: 60_000,
  // Test files still run one at a time on a 2-core machine, but in a worker process that is
  // replaced once it holds this much after a file, instead of in jest's own process. What test
  // files leave behind (PGlite's WASM memory above all) otherwise piles up in one process: on a
  // slow machine its heap reached 4.5 GB, collection slowed every later file, and PGlite suites
  // that take 30 s timed out at 60.
  workerIdleMemoryLimit: '1GB',
};
