import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { HealthChecks, Probe } from '../health/health-checks';
import type { Metrics } from '../metrics/metrics';

export interface OpsServerOptions {
  readonly host: string;
  /** 0 picks a free port (tests); url() tells which. */
  readonly port: number;
  readonly metrics: Metrics;
  readonly health: HealthChecks;
}

const PROBES: Readonly<Record<string, Probe>> = {
  '/health/live': 'liveness',
  '/health/ready': 'readiness',
};

/**
 * The operations endpoint of a process, apart from any API port:
 *   GET /metrics        Prometheus exposition of the process's metrics
 *   GET /health/live    liveness: 200 while every liveness check passes, else 503
 *   GET /health/ready   readiness: 200 once booted, while not stopping and every readiness
 *                       check passes (Kafka consumer and producer, database, SMPP binds), else 503
 * Probe answers are JSON: { status, checks: [{ name, ok, detail }] }.
 */
export class OpsServer {
  private server: Server | null = null;

  constructor(private readonly options: OpsServerOptions) {}

  async start(): Promise<string> {
    const server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(
          `ops endpoint failed: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      });
    });
    // Probes and scrapes are short requests; a stuck client must not hold a socket for long.
    server.requestTimeout = 10_000;
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    // The ops server never keeps a process alive that has nothing else to do.
    server.unref();
    this.server = server;
    return this.url();
  }

  url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('ops server not listening');
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' });
      response.end('method not allowed\n');
      return;
    }
    if (path === '/metrics') {
      const body = await this.options.metrics.render();
      response.writeHead(200, { 'content-type': this.options.metrics.contentType });
      response.end(request.method === 'HEAD' ? undefined : body);
      return;
    }
    const probe = PROBES[path];
    if (probe) {
      const report = await this.options.health.report(probe);
      response.writeHead(report.ok ? 200 : 503, {
        'content-type': 'application/json',
        'cache-control': 'no-store',
      });
      response.end(request.method === 'HEAD' ? undefined : JSON.stringify(report));
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found: /metrics, /health/live, /health/ready\n');
  }
}
