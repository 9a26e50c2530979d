import { randomInt, randomUUID } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { GatewayProcess, SimulatorProcess } from '@tuxhat/system-harness';
import { DeliveryStatusLogs, MotoServer, type MotoSms, waitFor } from '@tuxhat/testing';

import { motoCarrierSettings, snsEndpoint, startGatewayForSns } from './support/sns-gateway';
import { type MessageView, TenantClient, statusesOf } from './support/tenant-client';

/** Destinations under this prefix go out through the SNS carrier (a rule added below). */
const PREFIX = '+38269';
const CARRIER = 'aws-receipts';

/** A status webhook call as the tenant's endpoint received it. */
interface StatusCall {
  readonly body: { messageId?: string; status?: string; errorCode?: string; detail?: string };
}

/**
 * Delivery receipts of an SNS carrier, through the real all-in-one gateway: the tenant sends
 * over REST, the sns-connector publishes to AWS (moto), AWS logs the SMS's delivery status to
 * CloudWatch Logs (the test plays it, DeliveryStatusLogs), the connector reads the status and
 * the dlr matches it to the message by the MessageId Publish answered: the tenant sees the
 * final status, its error code, and gets it on its status webhook (a DLR path).
 */
describe('SNS delivery receipts (CloudWatch Logs delivery status, all-in-one gateway)', () => {
  const run = randomUUID().slice(0, 8);
  let smsc: SimulatorProcess | undefined;
  let gateway: GatewayProcess | undefined;
  let statusLogs: DeliveryStatusLogs | undefined;
  let webhook: Server | undefined;
  const webhookCalls: StatusCall[] = [];
  let moto: MotoServer;
  let acme: TenantClient;

  beforeAll(async () => {
    const endpoint = snsEndpoint();
    moto = new MotoServer(endpoint);
    statusLogs = new DeliveryStatusLogs(endpoint);
    const webhookUrl = await startWebhook();
    const started = await startGatewayForSns();
    ({ smsc, gateway } = started);
    const admin = gateway.admin();
    const created = [
      await admin.post('/carriers', {
        id: CARRIER,
        name: 'AWS SNS with delivery status logging (moto)',
        kind: 'sns',
        config: motoCarrierSettings({ deliveryStatus: statusLogs.setting(1) }),
      }),
      await admin.post('/routing/rules', {
        id: 'via-sns',
        priority: 10,
        destinationPrefix: PREFIX,
        carrierId: CARRIER,
      }),
      await admin.post('/dlr/paths', {
        id: 'acme-final-statuses',
        tenantId: 'acme',
        kind: 'webhook',
        url: webhookUrl,
        statuses: ['delivered', 'rejected'],
      }),
    ];
    expect(created.map((response) => response.status)).toEqual([201, 201, 201]);
    await started.restart();
    acme = new TenantClient(gateway.httpUrl, started.tenant.key.key);
  });

  afterAll(async () => {
    statusLogs?.close();
    await new Promise((resolve) => (webhook ? webhook.close(resolve) : resolve(undefined)));
    await gateway?.dispose('SIGKILL');
    await smsc?.stop('SIGKILL');
  });

  it('reports a message delivered when AWS logs SUCCESS, to the tenant and its status webhook', async () => {
    const { id, destination, published } = await sendOverSns('delivered');
    // Nothing final before AWS says so: the message waits at `sent`.
    const sent = await acme.waitForStatus(id, 'sent');
    expect(sent.history.find((entry) => entry.status === 'sent')?.detail).toBe(
      `carrier ${CARRIER} accepted 1 part(s): ${published.message_id}`,
    );

    await statusLogs!.write({ messageId: published.message_id, destination, status: 'SUCCESS' });

    const message = await finalStatusOf(id);
    expect(message.status).toBe('delivered');
    expect(statusesOf(message).slice(-2)).toEqual(['sent', 'delivered']);
    expect(message.history.at(-1)?.detail).toBe(`receipt from ${CARRIER}: SUCCESS`);
    expect(message.statusErrorCode).toBeNull();

    const calls = await webhookCallsOf(id);
    expect(calls.map((call) => call.body.status)).toEqual(['delivered']);
    expect(calls[0]?.body.errorCode).toBeUndefined();
  });

  it('reports a message rejected with OPTED_OUT when AWS logs that the phone number is opted out', async () => {
    const { id, destination, published } = await sendOverSns('opted out');
    await acme.waitForStatus(id, 'sent');

    await statusLogs!.write({
      messageId: published.message_id,
      destination,
      status: 'FAILURE',
      providerResponse: 'Phone number is opted out',
    });

    const message = await finalStatusOf(id);
    // A `rejected` receipt is the message's `rejected` (receipt-state.ts).
    expect(message.status).toBe('rejected');
    expect(message.statusErrorCode).toBe('OPTED_OUT');
    expect(message.history.at(-1)).toMatchObject({
      status: 'rejected',
      errorCode: 'OPTED_OUT',
      detail: `receipt from ${CARRIER}: FAILURE err OPTED_OUT`,
    });

    const calls = await webhookCallsOf(id);
    expect(calls.map((call) => call.body)).toEqual([
      expect.objectContaining({ messageId: id, status: 'rejected', errorCode: 'OPTED_OUT' }),
    ]);
  });

  /** Sends one message to a fresh number under PREFIX and waits for its SMS at SNS. */
  async function sendOverSns(
    label: string,
  ): Promise<{ id: string; destination: string; published: MotoSms }> {
    const destination = `${PREFIX}${String(randomInt(1e6)).padStart(6, '0')}`;
    const text = `receipt ${run} ${label}`;
    const id = await acme.send(destination, text);
    const [published, ...more] = await waitFor(
      `the SMS to ${destination} at SNS`,
      async () => {
        const sms = (await moto.smsMessages()).filter(
          (sms) => sms.phone_number === destination && sms.message === text,
        );
        return sms.length > 0 ? sms : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(more).toEqual([]);
    return { id, destination, published };
  }

  /** Polls the message until its status is final (no longer accepted, routed or sent). */
  function finalStatusOf(id: string): Promise<MessageView> {
    return waitFor(
      `message ${id} to reach a final status (gateway log: ${gateway?.process?.logFile})`,
      async () => {
        const { body } = await acme.get(`/v1/messages/${id}`);
        return ['accepted', 'routed', 'sent'].includes(String(body.status))
          ? undefined
          : (body as MessageView);
      },
      { timeoutMs: 60_000, intervalMs: 100 },
    );
  }

  /** The status webhook calls about message `id`, once there is one. */
  function webhookCallsOf(id: string): Promise<StatusCall[]> {
    return waitFor(
      `the status webhook of message ${id}`,
      () => {
        const calls = webhookCalls.filter((call) => call.body.messageId === id);
        return calls.length > 0 ? calls : undefined;
      },
      { timeoutMs: 30_000 },
    );
  }

  /** The tenant's webhook endpoint: records every call and answers 200. */
  async function startWebhook(): Promise<string> {
    webhook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        webhookCalls.push({
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as StatusCall['body'],
        });
        response.statusCode = 200;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => webhook!.listen(0, '127.0.0.1', resolve));
    const { port } = webhook.address() as AddressInfo;
    return `http://127.0.0.1:${port}/hooks/status`;
  }
});
