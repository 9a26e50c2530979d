import { credentials, loadPackageDefinition, Metadata, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { SMS_PROTO_PATH } from '@tuxhat/contracts';
import { waitFor } from '@tuxhat/testing';

/** A JSON object as the API answers it; tests read fields and check them. */
export type JsonObject = Record<string, unknown>;

export interface ApiResponse {
  status: number;
  body: JsonObject;
}

export interface HistoryEntry {
  status: string;
  at: string;
  detail?: string | null;
  source?: string;
}

export interface MessageView extends JsonObject {
  id: string;
  status: string;
  history: HistoryEntry[];
}

type Callback = (error: ServiceError | null, reply: JsonObject) => void;

interface GrpcMessages {
  Submit(request: object, metadata: Metadata, callback: Callback): void;
  Get(request: object, metadata: Metadata, callback: Callback): void;
  close(): void;
}

interface SmsPackage {
  sms: {
    v1: {
      Messages: new (
        address: string,
        channel: ReturnType<typeof credentials.createInsecure>,
      ) => GrpcMessages;
    };
  };
}

/** What a tenant application does: REST and gRPC calls with its API key. */
export class TenantClient {
  private grpc: GrpcMessages | null = null;

  constructor(
    private readonly httpUrl: string,
    private readonly apiKey: string,
    private readonly grpcAddress?: string,
  ) {}

  async post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<ApiResponse> {
    const response = await fetch(`${this.httpUrl}${path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        'content-type': 'application/json',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, body: await readJson(response) };
  }

  async get(path: string): Promise<ApiResponse> {
    const response = await fetch(`${this.httpUrl}${path}`, {
      headers: { authorization: `Bearer ${this.apiKey}` },
    });
    return { status: response.status, body: await readJson(response) };
  }

  /** Submits over REST and returns the message id. */
  async send(to: string, text: string, from = 'TuxHat'): Promise<string> {
    const { status, body } = await this.post('/v1/messages', { to, from, text });
    if (status !== 202) throw new Error(`submit answered ${status}: ${JSON.stringify(body)}`);
    return String(body.id);
  }

  /** Polls GET /v1/messages/{id} until the message reaches `status` (there is no push API yet). */
  waitForStatus(id: string, status: string, timeoutMs = 60_000): Promise<MessageView> {
    return waitFor(
      `message ${id} to be ${status}`,
      async () => {
        const { body } = await this.get(`/v1/messages/${id}`);
        return body.status === status ? (body as MessageView) : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  }

  grpcSubmit(request: { to: string; from: string; text: string }): Promise<JsonObject> {
    return new Promise((resolve, reject) =>
      this.grpcClient().Submit(request, this.metadata(), (error, reply) =>
        error ? reject(error) : resolve(reply),
      ),
    );
  }

  grpcGet(id: string): Promise<JsonObject> {
    return new Promise((resolve, reject) =>
      this.grpcClient().Get({ id }, this.metadata(), (error, reply) =>
        error ? reject(error) : resolve(reply),
      ),
    );
  }

  close(): void {
    this.grpc?.close();
    this.grpc = null;
  }

  private metadata(): Metadata {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${this.apiKey}`);
    return metadata;
  }

  private grpcClient(): GrpcMessages {
    if (!this.grpcAddress) throw new Error('no gRPC address');
    if (!this.grpc) {
      const definition = loadPackageDefinition(
        loadSync(SMS_PROTO_PATH, { keepCase: false, defaults: true }),
      ) as unknown as SmsPackage;
      this.grpc = new definition.sms.v1.Messages(this.grpcAddress, credentials.createInsecure());
    }
    return this.grpc;
  }
}

async function readJson(response: Response): Promise<JsonObject> {
  const text = await response.text();
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as JsonObject)
      : { value: parsed };
  } catch {
    return { text };
  }
}

/** The statuses of a history, in order. */
export const statusesOf = (message: MessageView): string[] =>
  message.history.map((entry) => entry.status);
