import { Agent as HttpAgent, type RequestOptions, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { urlToHttpOptions } from 'node:url';

export interface WebhookResponse {
  readonly status: number;
}

export interface WebhookClientOptions {
  readonly timeoutMs: number;
  /** Keep-alive connections per origin (host:port). */
  readonly maxSocketsPerOrigin: number;
}

interface Target {
  readonly secure: boolean;
  readonly options: Readonly<RequestOptions>;
}

const MAX_TARGETS = 1_000;

/**
 * POSTs webhook bodies over keep-alive connections: Node's agents pool sockets per origin, so
 * thousands of callbacks a second to one tenant reuse a handful of connections instead of
 * paying a TCP (and TLS) handshake each. The response body is drained and ignored: only the
 * status counts (2xx = delivered).
 */
export class WebhookClient {
  private readonly http: HttpAgent;
  private readonly https: HttpsAgent;
  /**
   * Request options by URL: a handful of URLs (tenants' webhook paths) take thousands of calls
   * a second, and parsing one (URL, then urlToHttpOptions inside http.request) costs more than
   * the rest of preparing the request. Bounded: per-message callback URLs may all differ.
   */
  private readonly targets = new Map<string, Target>();

  constructor(private readonly options: WebhookClientOptions) {
    const agentOptions = {
      keepAlive: true,
      maxSockets: options.maxSocketsPerOrigin,
      maxFreeSockets: options.maxSocketsPerOrigin,
      scheduling: 'lifo' as const,
    };
    this.http = new HttpAgent(agentOptions);
    this.https = new HttpsAgent(agentOptions);
  }

  post(url: string, body: string, headers: Record<string, string>): Promise<WebhookResponse> {
    const { secure, options } = this.targetOf(url);
    const send = secure ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(
        {
          ...options,
          method: 'POST',
          agent: secure ? this.https : this.http,
          headers: {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(body)),
            'user-agent': 'TuxHat-Webhooks/1',
            ...headers,
          },
          timeout: this.options.timeoutMs,
        },
        (response) => {
          response.resume();
          response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
          response.on('error', reject);
        },
      );
      // `timeout` above is idle time on the socket; this bounds the whole exchange.
      const deadline = setTimeout(
        () => request.destroy(new Error(`no answer within ${this.options.timeoutMs} ms`)),
        this.options.timeoutMs,
      );
      request.on('timeout', () =>
        request.destroy(new Error(`socket idle for ${this.options.timeoutMs} ms`)),
      );
      request.on('error', reject);
      request.on('close', () => clearTimeout(deadline));
      request.end(body);
    });
  }

  private targetOf(url: string): Target {
    let target = this.targets.get(url);
    if (!target) {
      const parsed = new URL(url);
      target = { secure: parsed.protocol === 'https:', options: urlToHttpOptions(parsed) };
      if (this.targets.size >= MAX_TARGETS) this.targets.clear();
      this.targets.set(url, target);
    }
    return target;
  }

  close(): void {
    this.http.destroy();
    this.https.destroy();
  }
}
