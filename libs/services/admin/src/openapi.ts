import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

/**
 * The admin API's OpenAPI document (libs/services/admin/openapi.yaml, kept by hand next to the
 * code and checked against the routes by a test). Found next to this file's folder both in the
 * sources and in dist/ (the build copies it).
 */
export const ADMIN_OPENAPI_PATH = join(__dirname, '..', 'openapi.yaml');

export function loadAdminOpenApi(): Record<string, unknown> {
  return parse(readFileSync(ADMIN_OPENAPI_PATH, 'utf8')) as Record<string, unknown>;
}
