import { readFileSync } from 'node:fs';

import { parse as parseYaml } from 'yaml';

import { ConfigError } from './config-error';
import { type GatewayConfig, type SecretValue, gatewayConfigSchema } from './gateway-config.schema';

/** Reads and validates the gateway config file (YAML or JSON). */
export function loadGatewayConfig(path: string): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file: ${(error as Error).message}`]);
  }
  return parseGatewayConfig(text, path);
}

export function parseGatewayConfig(text: string, source = 'config'): GatewayConfig {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(source, [`not valid YAML: ${(error as Error).message}`]);
  }
  const result = gatewayConfigSchema.safeParse(raw ?? {});
  if (!result.success) throw ConfigError.fromZod(source, result.error);
  return result.data;
}

/** Resolves a secret given inline or by environment variable name, naming the key if unset. */
export function resolveSecret(
  value: SecretValue,
  key: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  if (typeof value === 'string') return value;
  const resolved = env[value.env];
  if (resolved === undefined || resolved === '') {
    throw new ConfigError('environment', [`${key}: environment variable ${value.env} is not set`]);
  }
  return resolved;
}
