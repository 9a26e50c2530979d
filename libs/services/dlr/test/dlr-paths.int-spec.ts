import { randomBytes } from 'node:crypto';

import {
  SMS_DLR_RAW,
  SMS_SENT,
  SMS_STATUS,
  type TenantStatusEvent,
  tenantTopicFor,
} from '@tuxhat/contracts';
import { StatusFanout } from '../src/paths/status-fanout';
import { TenantTopics } from '../src/paths/tenant-topics';
import { finalStatusEventId } from '../src/receipts/receipt.consumer';
import { WebhookDispatcher } from '../src/webhooks/webhook-dispatcher';
import { KafkaTopicReader, waitFor } from '@tuxhat/testing';
import { type Admin, ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';

import { DlrHarness } from './support/dlr-harness';

jest.setTimeout(120_000);

describe('dlr customized DLR paths', () => {
  const sut = new DlrHarness('paths', {
    // Long enough that a hanging endpoint keeps its requests open through the isolation test.
    options: { webhook: { timeoutMs: 30_000, perTenantConcurrency: 8 } },
    // As KAFKA_TOPIC_CONFIG would set it: tenant topics are made as the provisioning Job's.
    topics: { config: { 'retention.ms': '3600000' } },
  });
  const prisma = () => sut.db.database.prisma;

  beforeAll(() => sut.start());
  afterAll(() => sut.close());

  async function withKafkaAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
    const admin = new Kafka({ brokers: sut.brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  }

  function topicExists(topic: string): Promise<boolean> {
    return withKafkaAdmin(async (admin) => (await admin.listTopics()).includes(topic));
  }

  it('delivers every receipt exactly once, signed, to a webhook that fails for a while and then recovers', async () => {
    const secret = `whsec_${randomBytes(16).toString('hex')}`;
    const { receiver: hook, url } = await sut.webhookReceiver(secret);
    let failing = true;
    hook.respond = () => (failing ? 500 : 200);
    await prisma().dlrWebhookSecret.create({ data: { tenantId: sut.tenant, secret } });
    await sut.addWebhookPath(sut.tenant, url, ['delivered', 'undeliverable']);

    const ids: string[] = [];
    for (let index = 0; index < 20; index++) {
      ids.push(await sut.message(sut.id(`hook-${index}`), { clientReference: `order-${index}` }));
    }
    await Promise.all(
      ids.map((id, index) => sut.publish(SMS_SENT, sut.sent(id, [`h${sut.run}${index}`]))),
    );
    await Promise.all(
      ids.map((_id, index) =>
        sut.publish(
          SMS_DLR_RAW,
          sut.receipt(`h${sut.run}${index}`, index % 2 ? 'undeliverable' : 'delivered'),
        ),
      ),
    );

    // Every receipt failed at least twice (first attempt and a retry from the table).
    await hook.waitUntil(() => {
      const failures = new Map<string, number>();
      for (const call of hook.calls) {
        const eventId = String(call.headers['x-tuxhat-event-id']);
        failures.set(eventId, (failures.get(eventId) ?? 0) + 1);
      }
      return failures.size === 20 && [...failures.values()].every((count) => count >= 2);
    }, 'two failed attempts per receipt');
    failing = false;
    await hook.waitUntil(() => hook.deliveredByEvent().size === 20, 'every receipt delivered');
    await waitFor('every delivery recorded', async () =>
      (await prisma().webhookDelivery.count({
        where: { tenantId: sut.tenant, state: 'delivered' },
      })) === 20
        ? true
        : undefined,
    );
    // Nothing is due any more: another poll claims nothing, no late duplicate arrives.
    expect(await sut.get(WebhookDispatcher).pollOnce()).toBe(0);

    const delivered = hook.deliveredByEvent();
    expect([...delivered.values()].every((count) => count === 1)).toBe(true);
    expect(hook.calls.every((call) => call.signatureValid)).toBe(true);
    // Per receipt: failures, then one success, then nothing (retries only after failures).
    for (const eventId of delivered.keys()) {
      const statuses = hook.calls
        .filter((call) => call.headers['x-tuxhat-event-id'] === eventId)
        .map((call) => call.status);
      expect(statuses.at(-1)).toBe(200);
      expect(statuses.slice(0, -1).every((code) => code === 500)).toBe(true);
    }
    const bodies = hook.calls
      .filter((call) => call.status === 200)
      .map((call) => JSON.parse(call.body) as TenantStatusEvent);
    expect(new Set(bodies.map((body) => body.messageId))).toEqual(new Set(ids));
    for (const body of bodies) {
      const index = ids.indexOf(body.messageId);
      expect(body).toMatchObject({
        type: 'message.status',
        tenantId: sut.tenant,
        status: index % 2 ? 'undeliverable' : 'delivered',
        clientReference: `order-${index}`,
      });
    }
    const rows = await prisma().webhookDelivery.findMany({ where: { tenantId: sut.tenant } });
    expect(rows.every((row) => row.attempts >= 3 && row.deliveredAt !== null)).toBe(true);
  });

  it("sends a message's status to its own callback URL instead of the tenant's webhook", async () => {
    const secret = 'override-secret';
    const owner = await sut.addTenant('override', secret);
    const { receiver: tenantHook, url: tenantUrl } = await sut.webhookReceiver(secret);
    const { receiver: messageHook, url: messageUrl } = await sut.webhookReceiver(secret);
    await sut.addWebhookPath(owner, tenantUrl);
    const special = await sut.message(sut.id('override-special'), {
      tenantId: owner,
      callbackUrl: messageUrl,
    });
    const plain = await sut.message(sut.id('override-plain'), { tenantId: owner });

    await sut.publish(SMS_STATUS, sut.statusEvent(owner, special));
    await sut.publish(SMS_STATUS, sut.statusEvent(owner, plain));
    await messageHook.waitUntil(
      () => messageHook.deliveredByEvent().size === 1,
      'the message callback',
    );
    await tenantHook.waitUntil(
      () => tenantHook.deliveredByEvent().size === 1,
      'the tenant webhook',
    );
    expect(JSON.parse(messageHook.calls[0].body)).toMatchObject({ messageId: special });
    expect(JSON.parse(tenantHook.calls[0].body)).toMatchObject({ messageId: plain });
    expect(messageHook.calls[0].signatureValid).toBe(true);
  });

  it("calls back a receipt's final status with the message's own fields, and nothing for statuses the filter drops", async () => {
    const secret = 'receipt-secret';
    const owner = await sut.addTenant('receipt-fields', secret);
    const { receiver: tenantHook, url: tenantUrl } = await sut.webhookReceiver(secret);
    const { receiver: messageHook, url: messageUrl } = await sut.webhookReceiver(secret);
    await sut.addWebhookPath(owner, tenantUrl, ['delivered']);
    // The callback fields reach the fanout with the receipt's match (no lookup of their own).
    const special = await sut.message(sut.id('receipt-fields-special'), {
      tenantId: owner,
      callbackUrl: messageUrl,
      clientReference: 'order-77',
      metadata: { cart: 'c-9' },
    });
    const plain = await sut.message(sut.id('receipt-fields-plain'), {
      tenantId: owner,
      clientReference: 'order-78',
    });
    const sent = (messageId: string, carrierMessageId: string) => ({
      ...sut.sent(messageId, [carrierMessageId]),
      tenantId: owner,
    });
    await sut.publish(SMS_SENT, sent(special, `rf${sut.run}a`));
    await sut.publish(SMS_SENT, sent(plain, `rf${sut.run}b`));
    await sut.publish(SMS_DLR_RAW, sut.receipt(`rf${sut.run}a`));
    await sut.publish(SMS_DLR_RAW, sut.receipt(`rf${sut.run}b`));

    await messageHook.waitUntil(() => messageHook.calls.length === 1, 'the message callback');
    await tenantHook.waitUntil(() => tenantHook.calls.length === 1, 'the tenant webhook');
    expect(JSON.parse(messageHook.calls[0].body)).toMatchObject({
      messageId: special,
      status: 'delivered',
      clientReference: 'order-77',
      metadata: { cart: 'c-9' },
    });
    expect(JSON.parse(tenantHook.calls[0].body)).toMatchObject({
      messageId: plain,
      status: 'delivered',
      clientReference: 'order-78',
    });
    // The `sent` statuses went nowhere: the filter takes `delivered` only, callback included.
    expect(await prisma().webhookDelivery.count({ where: { tenantId: owner } })).toBe(2);

    // The receipt path handed the final status to the paths itself; the same status again (a
    // replay, or the sms.status copy reaching another instance) adds no delivery and no call.
    await sut.get(StatusFanout).deliver([
      {
        ...sut.statusEvent(owner, special),
        eventId: finalStatusEventId(special, sut.carrierA),
      },
    ]);
    expect(await sut.get(WebhookDispatcher).pollOnce()).toBe(0);
    expect(await prisma().webhookDelivery.count({ where: { tenantId: owner } })).toBe(2);
    expect(messageHook.calls).toHaveLength(1);
  });

  it("publishes to the tenant's own Kafka topic, created on demand with the topic settings", async () => {
    const owner = await sut.addTenant('kafka');
    const topic = tenantTopicFor(owner, 'status');
    await prisma().dlrPath.create({
      data: { id: sut.id('kafka-path'), tenantId: owner, kind: 'kafka', statuses: ['delivered'] },
    });
    await sut.configChanged();
    const messageId = await sut.message(sut.id('kafka-message'), {
      tenantId: owner,
      clientReference: 'ref-k',
    });

    expect(await topicExists(topic)).toBe(false);
    await sut.publish(SMS_STATUS, sut.statusEvent(owner, messageId, 'sent')); // filtered out
    await sut.publish(SMS_STATUS, sut.statusEvent(owner, messageId, 'delivered'));
    await sut.waitForTopic(topic);
    const made = await withKafkaAdmin(async (admin) => {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [
          { type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms'] },
        ],
      });
      return {
        partitions: topics[0]?.partitions.length,
        retention: resources[0]?.configEntries[0]?.configValue,
      };
    });
    expect(made).toEqual({ partitions: TenantTopics.PARTITIONS, retention: '3600000' });

    const reader = await new KafkaTopicReader(sut.brokers).start([topic]);
    try {
      const [record] = await reader.waitFor(1);
      expect(record.key).toBe(messageId);
      expect(JSON.parse(record.value)).toMatchObject({
        type: 'message.status',
        messageId,
        tenantId: owner,
        status: 'delivered',
        clientReference: 'ref-k',
      });
      expect(reader.records).toHaveLength(1);
    } finally {
      await reader.stop();
    }
  });

  it("never lets one tenant's slow endpoint delay another tenant's webhooks", async () => {
    const slowTenant = await sut.addTenant('slow', 'slow-secret');
    const fastTenant = await sut.addTenant('fast', 'fast-secret');
    const { receiver: slow, url: slowUrl } = await sut.webhookReceiver('slow-secret');
    const { receiver: fast, url: fastUrl } = await sut.webhookReceiver('fast-secret');
    slow.respond = () => 'hang';
    await prisma().dlrPath.createMany({
      data: [
        { id: sut.id('slow-path'), tenantId: slowTenant, kind: 'webhook', url: slowUrl },
        { id: sut.id('fast-path'), tenantId: fastTenant, kind: 'webhook', url: fastUrl },
      ],
    });
    await sut.configChanged();

    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        sut.publish(SMS_STATUS, sut.statusEvent(slowTenant, `slow-${sut.run}-${index}`)),
      ),
    );
    await slow.waitUntil(() => slow.openRequests === 8, "the slow tenant's lane full");
    await Promise.all(
      Array.from({ length: 10 }, (_, index) =>
        sut.publish(SMS_STATUS, sut.statusEvent(fastTenant, `fast-${sut.run}-${index}`)),
      ),
    );
    await fast.waitUntil(() => fast.deliveredByEvent().size === 10, "the fast tenant's webhooks");
    // The slow tenant still holds its 8 requests (its concurrency), none answered.
    expect(slow.openRequests).toBe(8);
    expect(slow.calls).toHaveLength(8);
    expect(fast.calls.every((call) => call.signatureValid)).toBe(true);
    await slow.stop(); // let the dispatcher's hanging requests fail before shutdown
  });
});
