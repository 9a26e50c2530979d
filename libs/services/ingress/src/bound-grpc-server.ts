import { Server, ServerCredentials } from '@grpc/grpc-js';
import { type GrpcOptions, ServerGrpc } from '@nestjs/microservices';

/**
 * Nest's gRPC server, plus the port it actually bound. Nest discards what bindAsync reports,
 * so with port 0 (tests, several instances on one host) nobody would know where it listens.
 * Only binding is replaced; services, handlers and shutdown stay Nest's.
 */
export class BoundGrpcServer extends ServerGrpc {
  private bound: number | null = null;

  constructor(private readonly grpcOptions: GrpcOptions['options']) {
    super(grpcOptions);
  }

  /** The bound port, once the microservice has started. */
  get port(): number {
    if (this.bound === null) throw new Error('the gRPC server is not listening yet');
    return this.bound;
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
