import {
  SMS_ACCEPTED,
  SMS_MO_RAW,
  SMS_SUBMITTED,
  type SmsAcceptedEvent,
  type SmsMoRawEvent,
  type SmsSubmittedEvent,
  type TenantMoEvent,
  newEnvelope,
  tenantTopicFor,
} from '@tuxhat/contracts';
import { processMetrics } from '@tuxhat/observability';
import { KafkaTopicReader, waitFor } from '@tuxhat/testing';

import { resolveDlrOptions } from '../src/dlr.options';
import { MoReassemblySweeper } from '../src/mo/mo-reassembly.sweeper';
import { assembledMoId } from '../src/mo/mo-assembly';
import { DlrHarness } from './support/dlr-harness';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

describe('dlr MO handling', () => {
  const sut = new DlrHarness('mo');
  const prisma = () => sut.db.database.prisma;
  const hook = new WebhookReceiver('mo-secret');
  let hookUrl: string;
  // Short codes of this run, so runs never share a handler.
  const shortCode = () => `7${sut.run.replace(/\D/g, '').padEnd(4, '1').slice(0, 4)}`;
  const longNumber = () => `+3826${sut.run.replace(/\D/g, '').padEnd(7, '2').slice(0, 7)}`;

  beforeAll(async () => {
    await sut.start();
    hookUrl = await hook.start();
    await prisma().dlrWebhookSecret.create({ data: { tenantId: sut.tenant, secret: 'mo-secret' } });
    await prisma().moHandler.createMany({
      data: [
        {
          id: sut.id('bal'),
          tenantId: sut.tenant,
          destination: shortCode(),
          keyword: 'BAL',
          kind: 'webhook',
          url: hookUrl,
        },
        { id: sut.id('any'), tenantId: sut.tenant, destination: shortCode(), kind: 'kafka' },
        {
          id: sut.id('reply'),
          tenantId: sut.tenant,
          destination: longNumber(),
          kind: 'auto_reply',
          replyTemplate: 'Thanks {from}, we got "{keyword}".',
        },
      ],
    });
    await sut.configChanged();
  });
  afterAll(async () => {
    await hook.stop();
    await sut.close();
  });

  /** tuxhat_mo_total of this run's carrier A, by action (the dlr runs in this process). */
  async function moCounts(): Promise<Record<string, number>> {
    const counts: Record<string, number> = {};
    const series = new RegExp(
      `^tuxhat_mo_total\\{carrier="${sut.carrierA}",action="(\\w+)"\\} (\\d+)$`,
      'gm',
    );
    for (const [, action, value] of (await processMetrics().render()).matchAll(series)) {
      counts[action] = Number(value);
    }
    return counts;
  }

  /** What tuxhat_mo_total of carrier A counted since `before`, once it counted `total` more. */
  async function moCountedSince(before: Record<string, number>, total: number) {
    return waitFor(`${total} MO counted`, async () => {
      const now = await moCounts();
      const added = Object.fromEntries(
        Object.entries(now)
          .map(([action, value]) => [action, value - (before[action] ?? 0)] as const)
          .filter(([, value]) => value > 0),
      );
      return Object.values(added).reduce((sum, value) => sum + value, 0) >= total
        ? added
        : undefined;
    });
  }

  const mo = (text: string, extra: Partial<SmsMoRawEvent> = {}): SmsMoRawEvent => ({
    ...newEnvelope(),
    carrierId: sut.carrierA,
    source: '+38267111222',
    destination: shortCode(),
    text,
    receivedAt: new Date().toISOString(),
    ...extra,
  });

  it('routes by short code and keyword: a webhook for BAL, the tenant topic for the rest', async () => {
    const counted = await moCounts();
    const bal = mo('bal please');
    const other = mo('hello there');
    await sut.publish(SMS_MO_RAW, bal);
    await sut.publish(SMS_MO_RAW, other);

    await hook.waitUntil(() => hook.deliveredByEvent().size === 1, 'the BAL webhook');
    expect(hook.calls[0].signatureValid).toBe(true);
    expect(JSON.parse(hook.calls[0].body)).toMatchObject({
      type: 'message.inbound',
      tenantId: sut.tenant,
      source: '+38267111222',
      destination: shortCode(),
      text: 'bal please',
      keyword: 'BAL',
      handlerId: sut.id('bal'),
    });

    const topic = tenantTopicFor(sut.tenant, 'mo');
    await sut.waitForTopic(topic);
    const reader = await new KafkaTopicReader(sut.brokers).start([topic]);
    try {
      const [record] = await reader.waitFor(
        1,
        (each) => (JSON.parse(each.value) as TenantMoEvent).text === 'hello there',
      );
      expect(JSON.parse(record.value)).toMatchObject({
        keyword: 'HELLO',
        handlerId: sut.id('any'),
      });
    } finally {
      await reader.stop();
    }
    const log = await waitFor('the MO log', async () => {
      const rows = await prisma().moMessage.findMany({
        where: { id: { in: [bal.eventId, other.eventId] } },
      });
      return rows.length === 2 ? rows : undefined;
    });
    expect(log.map((row) => [row.keyword, row.action]).sort()).toEqual([
      ['BAL', 'webhook'],
      ['HELLO', 'kafka'],
    ]);
    expect(await moCountedSince(counted, 2)).toEqual({ webhook: 1, kafka: 1 });
  });

  it('answers with the auto-reply through the normal pipeline, and logs an MO nobody handles', async () => {
    const counted = await moCounts();
    const info = mo('Info?', { destination: longNumber().slice(1) }); // the carrier wrote it without "+"
    const stray = mo('hi', { destination: '99999' });
    await sut.publish(SMS_MO_RAW, info);
    await sut.publish(SMS_MO_RAW, stray);

    const [submitted] = await sut.reader.waitForValues<SmsSubmittedEvent>(
      SMS_SUBMITTED.name,
      1,
      (event) => event.message.tenantId === sut.tenant && event.message.text.includes('"INFO"'),
    );
    expect(submitted.message).toMatchObject({
      destination: '+38267111222',
      source: longNumber().slice(1),
      text: 'Thanks +38267111222, we got "INFO".',
      encoding: 'gsm7',
      parts: 1,
    });
    expect(submitted.message.messageId).toMatch(/^msg_/);
    const row = await prisma().message.findUniqueOrThrow({
      where: { id: submitted.message.messageId },
      include: { statusEvents: true },
    });
    expect(row).toMatchObject({
      tenantId: sut.tenant,
      status: 'accepted',
      body: submitted.message.text,
    });
    expect(row.statusEvents.map((event) => event.eventId)).toEqual([submitted.eventId]);
    await waitFor(
      'the unrouted MO in the log',
      async () =>
        (await prisma().moMessage.findFirst({
          where: { id: stray.eventId, action: 'unrouted' },
        })) ?? undefined,
    );
    expect(await moCountedSince(counted, 2)).toEqual({ auto_reply: 1, unrouted: 1 });
  });

  it('reassembles a concatenated MO whose parts come out of order, across a restart, once', async () => {
    const reference = Number.parseInt(sut.run.slice(0, 4), 16);
    const part = (seq: number, text: string) =>
      mo(text, { source: '+38267333444', concat: { reference, total: 3, seq } });
    const third = part(3, 'part three.');
    await sut.publish(SMS_MO_RAW, third);
    await sut.publish(SMS_MO_RAW, part(1, 'BAL and '));
    await waitFor('two parts stored', async () =>
      (await prisma().moPart.count({ where: { reference, completedAt: null } })) === 2
        ? true
        : undefined,
    );
    await sut.stopService();
    await sut.publish(SMS_MO_RAW, part(2, 'this is '));
    await sut.startService();

    await hook.waitUntil(
      () =>
        hook.calls.some(
          (call) => (JSON.parse(call.body) as TenantMoEvent).source === '+38267333444',
        ),
      'the reassembled MO',
    );
    const [whole] = hook.calls
      .map((call) => JSON.parse(call.body) as TenantMoEvent)
      .filter((body) => body.source === '+38267333444');
    expect(whole).toMatchObject({ text: 'BAL and this is part three.', keyword: 'BAL' });

    // A part the SMSC delivers again changes nothing.
    await sut.publish(SMS_MO_RAW, third);
    await sut.publish(SMS_MO_RAW, mo('BAL marker', { source: '+38267333444' }));
    await hook.waitUntil(
      () =>
        hook.calls.some((call) => (JSON.parse(call.body) as TenantMoEvent).text === 'BAL marker'),
      'the marker MO',
    );
    expect(
      hook.calls.filter((call) =>
        (JSON.parse(call.body) as TenantMoEvent).text.startsWith('BAL and'),
      ),
    ).toHaveLength(1);
  });

  // The default optOutKeywords, as a handset may write them.
  it.each([
    ['STOP', 'Stop', '+38267555666'],
    ['UNSUBSCRIBE', 'Unsubscribe', '+38267555777'],
  ])(
    'adds the sender to the suppression list on %s and confirms, bypassing policy',
    async (keyword, text, sender) => {
      const stop = mo(text, { source: sender });
      await sut.publish(SMS_MO_RAW, stop);
      const suppression = await waitFor(
        'the suppression row',
        async () =>
          (await prisma().suppression.findUnique({
            where: { tenantId_number: { tenantId: sut.tenant, number: sender } },
          })) ?? undefined,
      );
      expect(suppression).toMatchObject({ source: 'mo-keyword' });
      expect(suppression.reason).toContain(keyword);
      const [confirmation] = await sut.reader.waitForValues<SmsAcceptedEvent>(
        SMS_ACCEPTED.name,
        1,
        (event) => event.message.destination === sender,
      );
      expect(confirmation.message).toMatchObject({ tenantId: sut.tenant, source: shortCode() });
      expect(confirmation.message.text).toContain('unsubscribed');
      // The tenant hears of it on its handler too (the catch-all: the Kafka topic).
      const log = await waitFor('the MO log', async () => {
        const rows = await prisma().moMessage.findMany({
          where: { id: { startsWith: stop.eventId } },
        });
        return rows.length === 2 ? rows : undefined;
      });
      expect(log.map((row) => row.action).sort()).toEqual(['kafka', 'opt_out']);
    },
  );

  it('routes a concatenated MO still missing parts after moReassemblyTimeoutMs with the parts that came, once', async () => {
    // Advances the clock: after the other tests, whose parts must not time out.
    const source = '+38267888999';
    const reference = Number.parseInt(sut.run.slice(4, 8), 16);
    const part = (seq: number, text: string) =>
      mo(text, { source, concat: { reference, total: 3, seq } });
    const first = part(1, 'BAL first, ');
    const third = part(3, 'third.');
    await sut.publish(SMS_MO_RAW, first);
    await sut.publish(SMS_MO_RAW, third);
    const waiting = { source, reference, completedAt: null };
    await waitFor('two parts stored', async () =>
      (await prisma().moPart.count({ where: waiting })) === 2 ? true : undefined,
    );
    const sweeper = sut.get(MoReassemblySweeper);
    expect(await sweeper.runOnce()).toBe(0); // not timed out yet

    sut.clock.advance(resolveDlrOptions().moReassemblyTimeoutMs);
    await hook.waitUntil(
      () => hook.calls.some((call) => (JSON.parse(call.body) as TenantMoEvent).source === source),
      'the partial MO',
    );
    await waitFor('the parts handled', async () =>
      (await prisma().moPart.count({ where: waiting })) === 0 ? true : undefined,
    );
    expect(await sweeper.runOnce()).toBe(0);
    const routed = hook.calls
      .map((call) => JSON.parse(call.body) as TenantMoEvent)
      .filter((body) => body.source === source);
    expect(routed).toHaveLength(1);
    expect(routed[0]).toMatchObject({ text: 'BAL first, third.', keyword: 'BAL' });
    const log = await waitFor(
      'the MO log',
      async () =>
        (await prisma().moMessage.findUnique({
          where: { id: assembledMoId([first.eventId, third.eventId]) },
        })) ?? undefined,
    );
    expect(log).toMatchObject({ source, text: 'BAL first, third.', action: 'webhook' });
  });
});
