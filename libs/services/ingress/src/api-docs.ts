import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigError } from '@tuxhat/config';
import { parse } from 'yaml';

/**
 * Where the tenant API's OpenAPI document lives: libs/services/ingress/openapi.yaml in the
 * repository, next to the compiled package in dist (scripts/build.sh copies it).
 */
export const OPENAPI_PATH = join(__dirname, '..', 'openapi.yaml');

export type OpenApiDocument = Record<string, unknown> & { readonly openapi: string };

/** The document, parsed once at boot: a missing or broken file stops the service. */
export function loadOpenApiDocument(path: string = OPENAPI_PATH): OpenApiDocument {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [
      `the tenant API's OpenAPI document cannot be read (the build copies libs/services/ingress/openapi.yaml there): ${String(error)}`,
    ]);
  }
  const document = parse(text) as unknown;
  if (typeof document !== 'object' || document === null || !('openapi' in document)) {
    throw new ConfigError(path, ['not an OpenAPI document']);
  }
  return document as OpenApiDocument;
}

/**
 * Serves the API documentation without authentication: Swagger UI at GET /docs and the
 * document itself at GET /docs/openapi.json (also /docs/json and /docs/yaml, Swagger UI's own).
 * The document is the static file kept in the repository, not generated from the routes: it is
 * the contract, reviewed like code, and the fuzz tests are driven by it.
 */
export async function registerApiDocs(
  app: NestFastifyApplication,
  document: OpenApiDocument,
): Promise<void> {
  await app.register(fastifySwagger, {
    mode: 'static',
    specification: { document: document as never },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app
    .getHttpAdapter()
    .getInstance()
    .get('/docs/openapi.json', (_request, reply) => {
      void reply.header('content-type', 'application/json; charset=utf-8').send(document);
    });
}
