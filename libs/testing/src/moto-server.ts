import { waitFor } from './wait-for';

/** The region and keys the tests' AWS clients use on moto (any keys do). */
export const MOTO_REGION = 'eu-west-1';
export const MOTO_CREDENTIALS = { accessKeyId: 'AKIATESTTESTTEST', secretAccessKey: 'test-secret' };

/** An SMS as moto's SNS backend keeps it (moto 5.2: model `SMS` in /moto-api/data.json). */
export interface MotoSms {
  readonly message_id: string;
  readonly phone_number: string;
  readonly message: string;
}

/**
 * The moto server the integration tests publish to (scripts/infra/moto.sh), and the two ways
 * of reading back what reached "AWS":
 *  - /moto-api/data.json lists the SNS backend's model instances; its `SMS` model records
 *    every SMS publish (message id, phone number, text), but not the message attributes;
 *  - moto's request recorder (/moto-api/recorder/...) keeps every request as sent, so the
 *    exact Publish parameters (MessageAttributes included) can be checked.
 */
export class MotoServer {
  constructor(readonly endpoint: string) {}

  /** SNS_ENDPOINT (npm test exports it after `scripts/infra/moto.sh start`), or a loud failure. */
  static fromEnv(): MotoServer {
    const endpoint = process.env['SNS_ENDPOINT'];
    if (!endpoint) {
      throw new Error(
        'SNS_ENDPOINT is not set: the SNS connector tests publish to moto. Start it with ' +
          '`scripts/infra/moto.sh start && scripts/infra/moto.sh wait` and run with ' +
          'SNS_ENDPOINT=$(scripts/infra/moto.sh url), or run `npm test`.',
      );
    }
    return new MotoServer(endpoint.replace(/\/$/, ''));
  }

  /** moto.sh start returns before the server answers (and may still be installing moto). */
  async waitUntilUp(timeoutMs = 90_000): Promise<void> {
    await waitFor(
      `moto at ${this.endpoint}`,
      async () => {
        const response = await fetch(`${this.endpoint}/moto-api/data.json`);
        await response.arrayBuffer();
        return response.ok ? true : undefined;
      },
      { timeoutMs, intervalMs: 250 },
    );
  }

  async startRecording(): Promise<void> {
    await this.post('/moto-api/recorder/start-recording');
  }

  async stopRecording(): Promise<void> {
    await this.post('/moto-api/recorder/stop-recording');
  }

  async smsMessages(): Promise<MotoSms[]> {
    const response = await fetch(`${this.endpoint}/moto-api/data.json`);
    const data = (await response.json()) as { sns?: { SMS?: MotoSms[] } };
    return data.sns?.SMS ?? [];
  }

  /** The form parameters of every SNS Publish request recorded since recording started. */
  async recordedPublishes(): Promise<URLSearchParams[]> {
    const response = await fetch(`${this.endpoint}/moto-api/recorder/download-recording`);
    const lines = (await response.text()).split('\n').filter((line) => line.trim() !== '');
    return lines
      .map((line) => JSON.parse(line) as { body?: string; body_encoded?: boolean })
      .map((entry) => {
        const body = entry.body ?? '';
        return new URLSearchParams(
          entry.body_encoded ? Buffer.from(body, 'base64').toString('utf8') : body,
        );
      })
      .filter((params) => params.get('Action') === 'Publish');
  }

  private async post(path: string): Promise<void> {
    const response = await fetch(`${this.endpoint}${path}`, { method: 'POST' });
    // Read to the end: a body left unread keeps the connection busy past the test's teardown.
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`moto ${path} answered ${response.status}`);
  }
}

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` of a query-protocol Publish, as a map. */
export function messageAttributesOf(params: URLSearchParams): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [key, value] of params) {
    const match = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(key);
    if (match)
      attributes[value] = params.get(`MessageAttributes.entry.${match[1]}.Value.StringValue`) ?? '';
  }
  return attributes;
}
