/**
 * The gateway config file's schema straight from the code, for the Helm chart: the zod schemas
 * of libs/config (gateway-config.schema.ts, carrier-settings.schema.ts) through zod's own
 * z.toJSONSchema, so values.schema.json cannot drift from what the services accept.
 *
 *   node scripts/chart/gateway-config-schema.mjs              # prints { "gatewayConfig": <JSON Schema draft-07> }
 *   node scripts/chart/gateway-config-schema.mjs --validate   # stdin: a config as JSON; prints zod's
 *                                                             # issues and exits 1 when it is refused
 *
 * Run by scripts/chart/values-schema.py (which shapes the output into the chart's definitions)
 * and by scripts/chart/chart-test.py. It loads the TypeScript sources as they are, with Node's
 * type stripping (Node >= 22.18; `source scripts/env.sh` puts Node 24 first on PATH): nothing
 * needs building. Those two files import only zod and each other; a resolve hook supplies the
 * `.ts` of their extensionless relative imports.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18) || typeof nodeModule.registerHooks !== 'function') {
  process.stderr.write(
    `gateway-config-schema: Node ${process.versions.node} cannot load TypeScript: Node >= 22.18 is needed (source scripts/env.sh)\n`,
  );
  process.exit(2);
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const schemaFile = resolve(root, 'libs/config/src/gateway-config.schema.ts');

nodeModule.registerHooks({
  resolve(specifier, context, nextResolve) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    const fromTypeScript = context.parentURL?.endsWith('.ts') ?? false;
    if (relative && fromTypeScript && !/\.[cm]?[jt]s$/.test(specifier)) {
      return nextResolve(`${specifier}.ts`, context);
    }
    return nextResolve(specifier, context);
  },
});

const { gatewayConfigSchema } = await import(pathToFileURL(schemaFile).href);
const { z } = await import('zod');
if (!gatewayConfigSchema) {
  process.stderr.write(
    `gateway-config-schema: ${schemaFile} no longer exports gatewayConfigSchema\n`,
  );
  process.exit(2);
}

if (process.argv[2] === '--validate') {
  const config = JSON.parse(readFileSync(0, 'utf8'));
  const parsed = gatewayConfigSchema.safeParse(config);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      process.stdout.write(`${issue.path.join('.') || '(root)'}: ${issue.message}\n`);
    }
    process.exit(1);
  }
} else if (process.argv.length > 2) {
  process.stderr.write('usage: node scripts/chart/gateway-config-schema.mjs [--validate]\n');
  process.exit(2);
} else {
  // io: input is what an operator writes (keys with defaults stay optional). Refinements across
  // keys (route references, duplicate ids, maxBinds against binds) have no JSON Schema form:
  // the seed hook Job (cluster mode) and the all-in-one gateway check them when they load it.
  const gatewayConfig = z.toJSONSchema(gatewayConfigSchema, { target: 'draft-7', io: 'input' });
  process.stdout.write(`${JSON.stringify({ gatewayConfig }, null, 2)}\n`);
}
