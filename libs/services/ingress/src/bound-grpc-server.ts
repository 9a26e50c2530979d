import { Server, ServerCredentials } from '@grpc/grpc-js';
import { type GrpcOptions, ServerGrpc } from '@nestjs/microservices';

import type { UnaryHandler } from './grpc-direct-unary';

/**
 * Nest's gRPC server, plus the port it actually bound. Nest discards what bindAsync reports,
 * so with port 0 (tests, several instances on one host) nobody would know where it listens.
 * Binding is replaced, and a method may be given a handler grpc-js calls directly (see
 * directUnary); other services, handlers and shutdown stay Nest's.
 */
export class BoundGrpcServer extends ServerGrpc {
  private bound: number | null = null;
  private readonly direct = new Map<string, Readonly<Record<string, UnaryHandler>>>();

  constructor(private readonly grpcOptions: GrpcOptions['options']) {
    super(grpcOptions);
  }

  /** The bound port, once the microservice has started. */
  get port(): number {
    if (this.bound === null) throw new Error('the gRPC server is not listening yet');
    return this.bound;
  }

  /**
   * Handlers for methods of a service (by the proto's names, e.g. `Messages`, `Submit`) that
   * replace Nest's; each method must also have its @GrpcMethod handler (for the service's
   * definition). Call before the microservice starts.
   */
  handleDirectly(service: string, handlers: Readonly<Record<string, UnaryHandler>>): void {
    this.direct.set(service, handlers);
  }

  override async createService(
    grpcService: unknown,
    name: string,
  ): Promise<Record<string, unknown>> {
    const service = (await super.createService(grpcService, name)) as Record<string, unknown>;
    for (const [method, handler] of Object.entries(this.direct.get(name) ?? {})) {
      if (!(method in service)) throw new Error(`gRPC ${name}/${method} has no @GrpcMethod`);
      service[method] = handler;
    }
    return service;
  }

  override async createClient(): Promise<Server> {
    const server = new Server(this.grpcOptions.channelOptions ?? {});
    this.bound = await new Promise<number>((resolve, reject) => {
      server.bindAsync(
        this.url,
        (this.grpcOptions.credentials as ServerCredentials | undefined) ??
          ServerCredentials.createInsecure(),
        (error, port) => (error ? reject(error) : resolve(port)),
      );
    });
    return server;
  }
}
