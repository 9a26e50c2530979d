import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../src/webhooks/webhook-signature';

export interface ReceivedCall {
  readonly body: string;
  readonly headers: IncomingMessage['headers'];
  readonly status: number;
  readonly signatureValid: boolean;
  readonly at: number;
}

/**
 * A tenant's webhook endpoint, for real, over HTTP: answers as `respond` says (a status code,
 * or 'hang' to never answer), records every call, and checks each signature as a tenant would.
 */
export class WebhookReceiver {
  readonly calls: ReceivedCall[] = [];
  respond: (call: { body: string; index: number }) => number | 'hang' = () => 200;
  private server: Server | null = null;
  private readonly listeners = new Set<() => void>();
  private readonly hanging = new Set<ServerResponse>();

  /** `now`: the receiver's clock, checked against the signature's timestamp (real time). */
  constructor(
    private readonly secret: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const answer = this.respond({ body, index: this.calls.length });
        const header = request.headers[SIGNATURE_HEADER];
        const signatureValid =
          this.secret !== null &&
          typeof header === 'string' &&
          verifyWebhookSignature(header, body, this.secret, { now: this.now() });
        this.calls.push({
          body,
          headers: request.headers,
          status: answer === 'hang' ? 0 : answer,
          signatureValid,
          at: Date.now(),
        });
        if (answer === 'hang') {
          this.hanging.add(response);
          response.on('close', () => this.hanging.delete(response));
        } else {
          response.statusCode = answer;
          response.end(answer < 300 ? 'ok' : 'nope');
        }
        for (const listener of this.listeners) listener();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/dlr`;
  }

  /** Calls answered 2xx, by the event id they carried. */
  deliveredByEvent(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const call of this.calls) {
      if (call.status < 200 || call.status >= 300) continue;
      const eventId = String(call.headers['x-tuxhat-event-id']);
      counts.set(eventId, (counts.get(eventId) ?? 0) + 1);
    }
    return counts;
  }

  get openRequests(): number {
    return this.hanging.size;
  }

  waitUntil(condition: () => boolean, what: string, timeoutMs = 45_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${what}; ${this.calls.length} call(s) so far`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.listeners.delete(check);
      };
      this.listeners.add(check);
      check();
    });
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }
}
