import type { AddressInfo } from 'node:net';

import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { HttpProblemFilter } from '@tuxhat/http-problem';
import { type ServiceRuntime, createLogger, withShutdown } from '@tuxhat/runtime';

import { AdminModule } from './admin.module';
import { type StartAdminOptions, resolveAdminListener } from './admin.options';
import { loadAdminOpenApi } from './openapi';

export interface RunningAdmin {
  readonly app: INestApplication;
  /** e.g. `http://127.0.0.1:8081`, with the port actually bound. */
  readonly url: string;
  /** Every route the API serves (method, Fastify path such as `/admin/v1/tenants/:tenantId`). */
  readonly routes: readonly AdminRoute[];
  /** Stops the listener; waits for requests in flight. Idempotent. */
  close(): Promise<void>;
}

export interface AdminRoute {
  readonly method: string;
  readonly url: string;
}

/** Where the interactive docs are served; the document itself at `${ADMIN_DOCS_PATH}/json` and `/yaml`. */
export const ADMIN_DOCS_PATH = '/admin/docs';

/**
 * Boots the admin API: REST on Fastify under /admin/v1, problem+json errors, docs at
 * /admin/docs. It consumes nothing from the bus: changes reach the other services through the
 * config revision they poll.
 */
export async function startAdmin(
  runtime: ServiceRuntime,
  options: StartAdminOptions,
): Promise<RunningAdmin> {
  const listener = resolveAdminListener(options);
  const logger = options.logger ?? createLogger('admin');

  const adapter = new FastifyAdapter({ bodyLimit: listener.bodyLimitBytes });
  // Without the text/plain parser every non-JSON content type is refused alike, 415.
  adapter.getInstance().removeContentTypeParser('text/plain');
  const routes: AdminRoute[] = [];
  adapter.getInstance().addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    withShutdown(AdminModule.forRoot(runtime), options.onShutdown),
    adapter,
    { logger, bufferLogs: false, bodyParser: false, abortOnError: false },
  );
  try {
    app.useGlobalFilters(new HttpProblemFilter(adapter, logger, { realm: 'tuxhat-admin' }));
    await app.register(fastifySwagger, {
      mode: 'static',
      specification: { document: loadAdminOpenApi() as never },
    });
    await app.register(fastifySwaggerUi, { routePrefix: ADMIN_DOCS_PATH });

    if (options.shutdownHooks ?? true) app.enableShutdownHooks();
    await app.listen(listener.port, listener.host);

    const address = app.getHttpServer().address() as AddressInfo;
    let closing: Promise<void> | undefined;
    return {
      app,
      url: `http://${hostForUrl(listener.host)}:${address.port}`,
      routes,
      close: () => (closing ??= app.close()),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** IPv6 literals go in brackets in URLs. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
