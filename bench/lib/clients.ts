import { Agent, request } from 'node:http';

import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { SMS_PROTO_PATH } from '@tuxhat/contracts';

/** One HTTP request of a bench target: what the Node client sends, and what wrk is scripted with. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query string. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Keep-alive HTTP/1.1 with a bounded socket pool: what a tenant's HTTP client does. */
export class HttpClient {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(baseUrl: string, sockets: number) {
    this.url = new URL(baseUrl);
    this.agent = new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
  }

  /** Resolves with the status and body; never rejects on an HTTP error status. */
  send({ method, path, headers, body }: HttpRequest): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          agent: this.agent,
          host: this.url.hostname,
          port: this.url.port,
          method,
          path,
          headers:
            body === undefined
              ? headers
              : { ...headers, 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Throws unless the status is the expected one (so the load generator counts a failure). */
export function expectStatus(response: { status: number; body: string }, expected: number): void {
  if (response.status !== expected) {
    throw new Error(`HTTP ${response.status}: ${response.body.slice(0, 200)}`);
  }
}

interface GrpcMessages {
  Submit(
    request: object,
    metadata: Metadata,
    callback: (error: ServiceError | null, reply: { id: string }) => void,
  ): void;
  close(): void;
}

/** The tenant gRPC API (sms.v1.Messages) over one HTTP/2 connection. */
export class GrpcClient {
  private readonly client: GrpcMessages;
  private readonly metadata = new Metadata();

  constructor(address: string, apiKey: string) {
    const definition = loadPackageDefinition(
      loadSync(SMS_PROTO_PATH, { keepCase: false, longs: String, enums: String, defaults: true }),
    ) as unknown as {
      sms: { v1: { Messages: new (address: string, channel: unknown) => GrpcMessages } };
    };
    this.client = new definition.sms.v1.Messages(address, credentials.createInsecure());
    this.metadata.set('authorization', `Bearer ${apiKey}`);
  }

  submit(request: { to: string; from: string; text: string }): Promise<string> {
    return new Promise((resolve, reject) =>
      this.client.Submit(request, this.metadata, (error, reply) =>
        error ? reject(error) : resolve(reply.id),
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}
