import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { NoReceiverBoundError, type SmscSimulator } from '@tuxhat/smsc-simulator';
import type { SubmitRecord } from '@tuxhat/smsc-simulator';

const MAX_BODY = 64 * 1024;

const moBody = z.object({
  from: z.string().min(1).max(20),
  to: z.string().min(1).max(20),
  text: z.string().max(10_000),
  systemId: z.string().min(1).max(15).optional(),
  /** How a long MO is numbered: 8-bit UDH (default), 16-bit UDH, or SAR TLVs. */
  concatenation: z.enum(['udh8', 'udh16', 'sar']).optional(),
});

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The daemon's control API on loopback (node:http, no framework):
 *   GET  /health   liveness and counters
 *   GET  /submits  every submit_sm received (short_message and udh as hex)
 *   POST /mo       {from, to, text, systemId?, concatenation?} -> deliver an MO to a bound receiver
 */
export class ControlHttpServer {
  private server: Server | undefined;

  constructor(
    private readonly simulator: SmscSimulator,
    private readonly port: number,
    private readonly smppPort: () => number,
  ) {}

  start(): Promise<{ port: number }> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        const status = error instanceof HttpError ? error.status : 500;
        send(response, status, { error: error instanceof Error ? error.message : String(error) });
      });
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      // Loopback only: the API can inject traffic and has no authentication.
      server.listen(this.port, '127.0.0.1', () => {
        server.removeListener('error', reject);
        resolve({ port: (server.address() as AddressInfo).port });
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const route = `${request.method ?? 'GET'} ${path}`;
    switch (route) {
      case 'GET /health':
        send(response, 200, { status: 'ok', smppPort: this.smppPort(), ...this.simulator.stats() });
        return;
      case 'GET /submits':
        send(response, 200, this.simulator.received().map(toJson));
        return;
      case 'POST /mo': {
        const parsed = moBody.safeParse(await readJson(request));
        if (!parsed.success)
          throw new HttpError(
            400,
            parsed.error.issues
              .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
              .join('; '),
          );
        const { systemId, concatenation, ...mo } = parsed.data;
        try {
          send(
            response,
            200,
            await this.simulator.injectMo({
              ...mo,
              ...(systemId === undefined ? {} : { systemId }),
              ...(concatenation === undefined ? {} : { concatenation }),
            }),
          );
        } catch (error) {
          if (error instanceof NoReceiverBoundError) throw new HttpError(409, error.message);
          throw error;
        }
        return;
      }
      default:
        throw new HttpError(
          ['/health', '/submits', '/mo'].includes(path) ? 405 : 404,
          `no route for ${route}`,
        );
    }
  }
}

function toJson(record: SubmitRecord): Record<string, unknown> {
  return {
    ...record,
    shortMessage: record.shortMessage.toString('hex'),
    udh: record.udh?.toString('hex'),
    receivedAt: record.receivedAt.toISOString(),
  };
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY) throw new HttpError(413, `body larger than ${MAX_BODY} bytes`);
    chunks.push(buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
  });
  response.end(payload);
}
