import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { IngressHarness } from './support/ingress-harness';

/**
 * A fuzz pass of the REST API driven by its own OpenAPI document (schemathesis, from PyPI):
 * valid and invalid requests of every operation, every documented parameter and header, and
 * the bodies the schema allows and forbids. Checks: no 5xx ever, and every answer matches the
 * document (status codes, content types, response schemas).
 *
 * schemathesis lives in a virtualenv of its own: `bash scripts/fuzz/ingress.sh setup` creates
 * it (SCHEMATHESIS may name another binary). Runs in about a minute.
 */
const SCHEMATHESIS =
  process.env.SCHEMATHESIS ??
  resolve(__dirname, '../../../../.local/venv-schemathesis/bin/schemathesis');

jest.setTimeout(240_000);

describe('ingress REST API under schemathesis', () => {
  let sut: IngressHarness;
  let reportDir: string;

  beforeAll(async () => {
    if (!existsSync(SCHEMATHESIS)) {
      throw new Error(
        `schemathesis not found at ${SCHEMATHESIS}: run \`bash scripts/fuzz/ingress.sh setup\` (or set SCHEMATHESIS)`,
      );
    }
    sut = await IngressHarness.start('ingress_fuzz');
    reportDir = await mkdtemp(join(tmpdir(), 'ingress-fuzz-'));
  });

  afterAll(async () => {
    await sut?.close();
    if (reportDir) await rm(reportDir, { recursive: true, force: true });
  });

  it('never answers 5xx and always answers as documented', async () => {
    const args = [
      'run',
      `${sut.ingress.httpUrl}/docs/openapi.json`,
      '--url',
      sut.ingress.httpUrl,
      '-H',
      `Authorization: Bearer ${sut.acme.key.key}`,
      '--checks',
      [
        'not_a_server_error',
        'status_code_conformance',
        'content_type_conformance',
        'response_schema_conformance',
        'response_headers_conformance',
      ].join(','),
      '--phases',
      'examples,coverage,fuzzing',
      '--max-examples',
      process.env.FUZZ_MAX_EXAMPLES ?? '150',
      '--max-time',
      process.env.FUZZ_MAX_TIME ?? '90',
      '--seed',
      process.env.FUZZ_SEED ?? '20261126',
      // One worker: with two threads, hypothesis (describing a filter lambda) and CPython 3.11's
      // ast.parse crashed schemathesis itself ("AST constructor recursion depth mismatch").
      '--workers',
      '1',
      '--generation-database',
      'none',
      '--no-color',
      '--report',
      'junit',
      '--report-dir',
      reportDir,
    ];
    const run = await runProcess(SCHEMATHESIS, args);
    if (run.code !== 0) {
      process.stderr.write(`${run.output}\n`);
      const junit = await readFile(join(reportDir, 'junit.xml'), 'utf8').catch(() => '');
      process.stderr.write(junit.slice(0, 20_000));
    }
    expect({ exitCode: run.code, tail: run.code === 0 ? '' : run.output.slice(-4_000) }).toEqual({
      exitCode: 0,
      tail: '',
    });
    // The service itself saw nothing it could not answer.
    expect(sut.logger.lines.filter((line) => line.message.includes('unhandled error'))).toEqual([]);
  });
});

function runProcess(
  command: string,
  args: string[],
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}
