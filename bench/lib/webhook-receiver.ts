import { createServer, type Server } from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The tenant's side of delivery reports: an HTTP server that answers 200 at once and notes
 * when each message's report arrived. A report names its message by the `ref` query
 * parameter (Kannel's dlr-url) or by `clientReference` in a JSON body (TuxHat's webhook);
 * only final "delivered" reports count.
 */
export class WebhookReceiver {
  readonly arrivals = new Map<string, number>();
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const at = performance.timeOrigin + performance.now();
        const ref = this.referenceOf(request.url ?? '/', Buffer.concat(chunks).toString('utf8'));
        if (ref !== undefined && !this.arrivals.has(ref)) this.arrivals.set(ref, at);
        response.writeHead(200).end();
      });
    });
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    this.server = server;
  }

  /** The receiver's URL for a gateway-wide webhook path (reports carry their reference). */
  get pathUrl(): string {
    return `http://127.0.0.1:${this.port}/dlr`;
  }

  /** The report URL for one message; Kannel substitutes %d with its DLR type (1 = delivered). */
  urlFor(ref: string, kannel: boolean): string {
    const base = `http://127.0.0.1:${this.port}/dlr?ref=${encodeURIComponent(ref)}`;
    return kannel ? `${base}&type=%d` : base;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private referenceOf(url: string, body: string): string | undefined {
    const query = new URL(url, 'http://localhost').searchParams;
    if (body.length === 0) {
      return query.get('type') === '1' ? (query.get('ref') ?? undefined) : undefined;
    }
    try {
      const event = JSON.parse(body) as { status?: string };
      return event.status === 'delivered' ? (query.get('ref') ?? undefined) : undefined;
    } catch {
      return undefined;
    }
  }
}
