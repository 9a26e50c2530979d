import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';

/** One answer of the scripted endpoint: success, or an AWS query-protocol error. */
export type ScriptedAnswer =
  | { readonly ok: true }
  | { readonly status: number; readonly code: string; readonly message: string };

/**
 * An HTTP endpoint that answers SNS Publish the way AWS does (query protocol XML), from a
 * script: for what moto does not emulate (AWS refusing a syntactically valid number,
 * throttling, 5xx). Answers `{ ok: true }` once the script runs out.
 */
export class ScriptedSns {
  readonly requests: URLSearchParams[] = [];
  /** When each request arrived (performance.now()), in the order of `requests`. */
  readonly arrivals: number[] = [];
  private readonly script: ScriptedAnswer[] = [];
  private server: Server | undefined;

  async start(): Promise<string> {
    const server = createServer((request, response) => void this.answer(request, response));
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  answerNext(...answers: ScriptedAnswer[]): void {
    this.script.push(...answers);
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const arrivedAt = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    this.arrivals.push(arrivedAt);
    this.requests.push(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const answer = this.script.shift() ?? { ok: true };
    const requestId = randomUUID();
    response.setHeader('content-type', 'text/xml');
    if ('ok' in answer) {
      response.statusCode = 200;
      response.end(
        `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${randomUUID()}</MessageId></PublishResult>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
      );
      return;
    }
    response.statusCode = answer.status;
    response.end(
      `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${answer.status < 500 ? 'Sender' : 'Receiver'}</Type>` +
        `<Code>${answer.code}</Code><Message>${answer.message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
    );
  }
}
