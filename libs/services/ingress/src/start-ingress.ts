import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { CustomStrategy } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { SMS_PROTO_PACKAGE, SMS_PROTO_PATH } from '@tuxhat/contracts';
import { RequestTracingInterceptor } from '@tuxhat/observability';
import { type ServiceRuntime, consumerGroupOf, createLogger, withShutdown } from '@tuxhat/runtime';

import { loadOpenApiDocument, registerApiDocs } from './api-docs';
import { BoundGrpcServer } from './bound-grpc-server';
import { directUnary } from './grpc-direct-unary';
import { IngressProblemFilter, frameworkErrorProblem } from './ingress-problem.filter';
import { IngressModule } from './ingress.module';
import { type StartIngressOptions, resolveListenerOptions } from './ingress.options';
import { ListenerServerCredentials, httpsOptions, secureContextOptions } from './listener-tls';
import { ListenerTlsReloader } from './listener-tls-reloader';
import { MessagesGrpcController } from './messages.grpc-controller';
import { MessagesService } from './messages.service';
import { BATCH_ROUTE, registerSubmitRoutes } from './submit-routes';
import { TenantAuthenticator } from './tenant-authenticator';

export interface RunningIngress {
  readonly app: INestApplication;
  /** e.g. `http://127.0.0.1:8080` (`https://` with TLS), with the port actually bound. */
  readonly httpUrl: string;
  /** gRPC target `host:port`, with the port actually bound. */
  readonly grpcUrl: string;
  /** Stops REST, gRPC and the bus consumer; waits for in-flight work. Idempotent. */
  close(): Promise<void>;
}

/**
 * Boots the ingress service: REST on Fastify (with its OpenAPI document at /docs), gRPC
 * (sms.v1.Messages), and the status projector as bus consumer group `ingress` (or
 * `ingress.<shard>`), in one Nest application.
 */
export async function startIngress(
  runtime: ServiceRuntime,
  options: StartIngressOptions,
): Promise<RunningIngress> {
  const listeners = resolveListenerOptions(options);
  const logger = options.logger ?? createLogger('ingress');

  const document = loadOpenApiDocument();

  const adapter = new FastifyAdapter({
    ...(options.tls ? { https: httpsOptions(options.tls) } : {}),
    bodyLimit: listeners.bodyLimitBytes,
    // The router's own errors, answered as problem+json like every other error.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const problem = frameworkErrorProblem(error.code);
      void reply
        .code(problem.status)
        .type('application/problem+json; charset=utf-8')
        .send(JSON.stringify(problem.toDocument()));
    },
  });
  const fastify = adapter.getInstance();
  // Fastify parses text/plain out of the box, and the API would then see a string body. Without
  // that parser every non-JSON content type is refused alike, 415, before a route runs.
  fastify.removeContentTypeParser('text/plain');
  // A batch may carry 1,000 messages: its route alone gets the larger body limit.
  fastify.addHook('onRoute', (route) => {
    if (route.url === BATCH_ROUTE) route.bodyLimit = listeners.batchBodyLimitBytes;
  });

  const app = await NestFactory.create<NestFastifyApplication>(
    withShutdown(IngressModule.forRoot(runtime, options), options.onShutdown),
    adapter,
    // Fastify's own JSON parser (with bodyLimit) instead of Nest's; no URL-encoded bodies.
    { logger, bufferLogs: false, bodyParser: false, abortOnError: false },
  );
  try {
    const problems = new IngressProblemFilter(adapter, logger);
    app.useGlobalFilters(problems);
    // A SERVER span per REST call: a message's trace starts here (gRPC: on its controller; the
    // submit routes make theirs themselves).
    app.useGlobalInterceptors(new RequestTracingInterceptor());
    registerSubmitRoutes(fastify, {
      authenticator: app.get(TenantAuthenticator),
      messages: app.get(MessagesService),
      problems,
      mapException: (error) => adapter.mapException(error),
    });
    await registerApiDocs(app, document);

    // The consumer's BusExceptionFilter is bound on StatusProjectorConsumer (see there why).
    app.connectMicroservice<CustomStrategy>({
      strategy: runtime.bus.createTransport({ group: consumerGroupOf('ingress', options.shard) }),
    });

    const grpcCredentials = options.tls && new ListenerServerCredentials(options.tls);
    const grpc = new BoundGrpcServer({
      url: `${hostForUrl(listeners.grpcHost)}:${listeners.grpcPort}`,
      package: SMS_PROTO_PACKAGE,
      protoPath: SMS_PROTO_PATH,
      loader: { keepCase: false, defaults: false, longs: String, enums: String },
      ...(grpcCredentials ? { credentials: grpcCredentials } : {}),
      // Let calls in flight finish on close instead of cutting them off.
      gracefulShutdown: true,
    });
    // The submissions skip Nest's microservice pipeline (see directUnary); the rest stay on it.
    const controller = app.get(MessagesGrpcController);
    grpc.handleDirectly('Messages', {
      Submit: directUnary('MessagesGrpcController/submit', (request, metadata, call) =>
        controller.submit(request, metadata, call),
      ),
      SubmitBatch: directUnary('MessagesGrpcController/submitBatch', (request, metadata, call) =>
        controller.submitBatch(request, metadata, call),
      ),
    });
    app.connectMicroservice<CustomStrategy>({ strategy: grpc });

    if (options.shutdownHooks ?? true) app.enableShutdownHooks();
    await app.startAllMicroservices();
    await app.listen(listeners.httpPort, listeners.httpHost);

    let reloader: ListenerTlsReloader | undefined;
    if (options.tls && grpcCredentials) {
      const rest = app.getHttpServer() as HttpsServer;
      reloader = new ListenerTlsReloader(
        options.tls,
        (tls) => {
          rest.setSecureContext(secureContextOptions(tls));
          grpcCredentials.update(tls);
        },
        logger,
      );
      reloader.start();
    }

    const http = app.getHttpServer().address() as AddressInfo;
    let closing: Promise<void> | undefined;
    return {
      app,
      httpUrl: `${options.tls ? 'https' : 'http'}://${hostForUrl(listeners.httpHost)}:${http.port}`,
      grpcUrl: `${hostForUrl(listeners.grpcHost)}:${grpc.port}`,
      close: () => {
        reloader?.stop();
        return (closing ??= app.close());
      },
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** IPv6 literals go in brackets in URLs and gRPC targets. */
function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}
