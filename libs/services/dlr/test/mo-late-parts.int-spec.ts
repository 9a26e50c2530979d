import { SMS_MO_RAW, type SmsMoRawEvent, type TenantMoEvent, newEnvelope } from '@tuxhat/contracts';
import { waitFor } from '@tuxhat/testing';

import { resolveDlrOptions } from '../src/dlr.options';
import { MoPartsRepository } from '../src/mo/mo-parts.repository';
import { MoReassemblySweeper } from '../src/mo/mo-reassembly.sweeper';
import { MoService, inboundOf } from '../src/mo/mo.service';
import { DlrHarness } from './support/dlr-harness';
import type { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

/**
 * Parts of a concatenated MO that come after it was routed: a late part it lacked reaches the
 * tenant as its late fragment, a part it had is dropped, and a new message reusing the
 * reference once the memory is over is an MO of its own.
 */
describe('dlr MO parts after the reassembly', () => {
  const sut = new DlrHarness('mo_late');
  const prisma = () => sut.db.database.prisma;
  const { moReassemblyTimeoutMs, moPartRetentionMs } = resolveDlrOptions();
  let hook: WebhookReceiver;
  const replyNumber = () => `+3826${sut.run.replace(/\D/g, '').padEnd(7, '4').slice(0, 7)}`;
  const shortCode = () => `8${sut.run.replace(/\D/g, '').padEnd(4, '3').slice(0, 4)}`;

  beforeAll(async () => {
    await sut.start();
    const endpoint = await sut.webhookReceiver('late-secret');
    hook = endpoint.receiver;
    await prisma().dlrWebhookSecret.create({
      data: { tenantId: sut.tenant, secret: 'late-secret' },
    });
    // BAL has its own handler: a late fragment ("second, ") must go where its MO went.
    const webhookHandler = (name: string, keyword: string) => ({
      id: sut.id(name),
      tenantId: sut.tenant,
      destination: shortCode(),
      keyword,
      kind: 'webhook' as const,
      url: endpoint.url,
    });
    await prisma().moHandler.createMany({
      data: [
        webhookHandler('bal', 'BAL'),
        webhookHandler('any', ''),
        {
          id: sut.id('reply'),
          tenantId: sut.tenant,
          destination: replyNumber(),
          kind: 'auto_reply',
          replyTemplate: 'Got it, {from}.',
        },
      ],
    });
    await sut.configChanged();
  });
  afterAll(() => sut.close());

  /** A part of the MO with `reference` from `source`, as the connector publishes it. */
  const part = (source: string, reference: number, total: number, seq: number, text: string) =>
    ({
      ...newEnvelope(),
      carrierId: sut.carrierA,
      source,
      destination: shortCode(),
      text,
      receivedAt: sut.clock.now().toISOString(),
      concat: { reference, total, seq },
    }) satisfies SmsMoRawEvent;
  const received = (source: string) =>
    hook.calls
      .map((call) => JSON.parse(call.body) as TenantMoEvent)
      .filter((body) => body.source === source);
  const waitForReceived = (source: string, count: number) =>
    hook.waitUntil(() => received(source).length >= count, `${count} MO(s) from ${source}`);
  const openParts = (source: string) =>
    prisma().moPart.count({ where: { source, completedAt: null } });
  /**
   * Moves the injected clock once every webhook delivery is marked done: one still in flight
   * when the clock jumps past its lease is taken again by the webhook poller, and the tenant
   * would get it twice.
   */
  const advance = async (ms: number) => {
    await waitFor('webhook deliveries done', async () =>
      (await prisma().webhookDelivery.count({
        where: { tenantId: sut.tenant, state: 'pending' },
      })) === 0
        ? true
        : undefined,
    );
    sut.clock.advance(ms);
  };
  const waitUntilRemembered = (source: string, moId: string, parts: number[]) =>
    waitFor(`MO ${moId} remembered with parts ${parts.join(',')}`, async () => {
      const memory = await prisma().moReassembly.findFirst({ where: { source, moId } });
      return memory && memory.parts.join() === parts.join() ? memory : undefined;
    });
  /** Publishes a whole MO after `events` (same partition) and waits until the tenant has it. */
  const settle = async (source: string, events: SmsMoRawEvent[]) => {
    for (const event of events) await sut.publish(SMS_MO_RAW, event);
    const marker = `marker ${newEnvelope().eventId}`;
    const { concat: _whole, ...markerMo } = part(source, 0, 2, 1, marker);
    await sut.publish(SMS_MO_RAW, markerMo);
    await hook.waitUntil(
      () => received(source).some((body) => body.text === marker),
      'the marker MO',
    );
  };
  /** What the tenant received from `source`, markers left out. */
  const texts = (source: string) =>
    received(source)
      .map((body) => body.text)
      .filter((text) => !text.startsWith('marker'));

  it('routes a part that comes after the reassembly timeout as a late fragment of its MO, and drops parts coming again', async () => {
    const source = '+38267400001';
    const reference = 201;
    const first = part(source, reference, 3, 1, 'BAL first, ');
    await sut.publish(SMS_MO_RAW, first);
    await sut.publish(SMS_MO_RAW, part(source, reference, 3, 3, 'third.'));
    await waitFor('two parts waiting', async () =>
      (await openParts(source)) === 2 ? true : undefined,
    );

    await advance(moReassemblyTimeoutMs); // the sweep routes the MO with what came
    await waitForReceived(source, 1);
    const [mo] = received(source);
    expect(mo).toMatchObject({
      text: 'BAL first, third.',
      keyword: 'BAL',
      handlerId: sut.id('bal'),
      parts: { total: 3, included: [1, 3] },
    });
    expect(mo.lateFragmentOf).toBeUndefined();
    await waitUntilRemembered(source, mo.moId, [1, 3]);

    // The carrier delivers the missing part hours late.
    await advance(3 * 3_600_000);
    await sut.publish(SMS_MO_RAW, part(source, reference, 3, 2, 'second, '));
    await waitForReceived(source, 2);
    const late = received(source)[1];
    expect(late).toMatchObject({
      text: 'second, ',
      keyword: 'BAL', // its MO's: it went to the same handler
      handlerId: sut.id('bal'),
      lateFragmentOf: mo.moId,
      parts: { total: 3, included: [2] },
    });
    expect(late.moId).not.toBe(mo.moId);
    const log = await waitFor(
      'the late fragment in the MO log',
      async () => (await prisma().moMessage.findUnique({ where: { id: late.moId } })) ?? undefined,
    );
    expect(log).toMatchObject({ text: 'second, ', action: 'webhook', lateFragmentOf: mo.moId });
    await waitUntilRemembered(source, mo.moId, [1, 2, 3]);
    expect(await openParts(source)).toBe(0);

    // Every part again, as new deliver_sm (new event ids): nothing reaches the tenant twice,
    // and nothing waits to time out either.
    await settle(source, [
      part(source, reference, 3, 1, 'BAL first, '),
      part(source, reference, 3, 2, 'second, '),
      part(source, reference, 3, 3, 'third.'),
    ]);
    expect(await openParts(source)).toBe(0);
    await advance(moReassemblyTimeoutMs);
    expect(await sut.get(MoReassemblySweeper).runOnce()).toBe(0);
    expect(texts(source)).toEqual(['BAL first, third.', 'second, ']);
  });

  it('drops a part of a whole MO that the carrier delivers again', async () => {
    const source = '+38267400002';
    const reference = 202;
    const one = part(source, reference, 2, 1, 'BAL one ');
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 2, 'two'));
    await sut.publish(SMS_MO_RAW, one);
    await waitForReceived(source, 1);
    expect(received(source)[0]).toMatchObject({
      text: 'BAL one two',
      parts: { total: 2, included: [1, 2] },
    });
    await waitUntilRemembered(source, received(source)[0].moId, [1, 2]);

    // The SMSC retries the deliver_sm (a new event) and Kafka replays the first (same event).
    await settle(source, [{ ...one, ...newEnvelope() }, one]);
    expect(await openParts(source)).toBe(0);
    await advance(moReassemblyTimeoutMs);
    expect(await sut.get(MoReassemblySweeper).runOnce()).toBe(0);
    expect(texts(source)).toEqual(['BAL one two']);
  });

  it('answers an MO once: its late fragment sends no second auto-reply', async () => {
    const source = '+38267400004';
    const reference = 204;
    const toReplyNumber = (event: SmsMoRawEvent) => ({ ...event, destination: replyNumber() });
    await sut.publish(SMS_MO_RAW, toReplyNumber(part(source, reference, 2, 1, 'Hello ')));
    await waitFor('the part waiting', async () =>
      (await openParts(source)) === 1 ? true : undefined,
    );
    await advance(moReassemblyTimeoutMs);
    const replies = () => prisma().message.findMany({ where: { destination: source } });
    const [reply] = await waitFor('the auto-reply', async () => {
      const rows = await replies();
      return rows.length > 0 ? rows : undefined;
    });
    expect(reply.body).toBe(`Got it, ${source}.`);
    const mo = await waitFor(
      'the MO remembered',
      async () => (await prisma().moReassembly.findFirst({ where: { source } })) ?? undefined,
    );

    await sut.publish(SMS_MO_RAW, toReplyNumber(part(source, reference, 2, 2, 'there')));
    const log = await waitFor(
      'the late fragment in the MO log',
      async () =>
        (await prisma().moMessage.findFirst({ where: { lateFragmentOf: mo.moId } })) ?? undefined,
    );
    expect(log).toMatchObject({ text: 'there', keyword: 'HELLO', action: 'auto_reply_skipped' });
    expect(await replies()).toHaveLength(1);
  });

  /**
   * Claims the parts from `source` as a sweep does (here before the timeout, so that the test
   * decides when the routing happens), without routing them yet.
   */
  const claimAsSweep = async (source: string) => {
    const now = sut.clock.now();
    const claimed = await sut
      .get(MoPartsRepository)
      .incompleteBefore(new Date(now.getTime() + 1), MoReassemblySweeper.BATCH, now);
    return claimed.filter((mo) => mo.source === source);
  };

  it('routes a part that comes while a sweep routes its MO as the late fragment, not as a second, whole MO', async () => {
    const source = '+38267400005';
    const reference = 205;
    await sut.publish(SMS_MO_RAW, part(source, reference, 3, 1, 'BAL alpha, '));
    await sut.publish(SMS_MO_RAW, part(source, reference, 3, 3, 'gamma.'));
    await waitFor('two parts waiting', async () =>
      (await openParts(source)) === 2 ? true : undefined,
    );
    const sweep = await claimAsSweep(source);
    expect(sweep.map((mo) => mo.seqs)).toEqual([[1, 3]]);

    // The missing part comes while the sweep is routing: the MO looks whole to the intake, but
    // two of its parts are the sweep's. It waits.
    await settle(source, [part(source, reference, 3, 2, 'beta, ')]);
    expect(texts(source)).toEqual([]);

    // The sweep ends as the sweeper's does: the MO goes without part 2, which comes next.
    const now = sut.clock.now();
    await sut.get(MoService).handle(sweep.map(inboundOf));
    await sut.get(MoPartsRepository).complete(sweep, now);
    await waitFor('the MO without part 2', async () =>
      texts(source).length > 0 ? true : undefined,
    );
    await advance(moReassemblyTimeoutMs);
    await waitFor('the late fragment', async () => (texts(source).length > 1 ? true : undefined));
    expect(texts(source)).toEqual(['BAL alpha, gamma.', 'beta, ']);
    const [mo, late] = received(source).filter((body) => !body.text.startsWith('marker'));
    expect(mo).toMatchObject({ text: 'BAL alpha, gamma.', parts: { total: 3, included: [1, 3] } });
    expect(late).toMatchObject({ text: 'beta, ', lateFragmentOf: mo.moId });
    expect(await openParts(source)).toBe(0);
  });

  it('sweeps again the parts of a holder that never routed them, once its claim expires', async () => {
    const source = '+38267400006';
    await sut.publish(SMS_MO_RAW, part(source, 206, 2, 1, 'BAL lone '));
    await waitFor('the part waiting', async () =>
      (await openParts(source)) === 1 ? true : undefined,
    );
    await advance(moReassemblyTimeoutMs - 30_000);
    expect(await claimAsSweep(source)).toHaveLength(1); // and the holder dies here

    await advance(30_001); // past the reassembly timeout, within the claim
    expect(await sut.get(MoReassemblySweeper).runOnce()).toBe(0);
    expect(texts(source)).toEqual([]);

    await advance(30_000); // the claim is over
    await waitForReceived(source, 1);
    expect(texts(source)).toEqual(['BAL lone ']);
  });

  it('reassembles a new message reusing the reference: at once when its texts differ, and after the memory even when they do not', async () => {
    // Last: it moves the clock past the memory.
    const source = '+38267400003';
    const reference = 203;
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 1, 'BAL one '));
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 2, 'two'));
    await waitForReceived(source, 1);
    await waitUntilRemembered(source, received(source)[0].moId, [1, 2]);

    // Within the memory: other texts under the same reference are another message.
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 2, 'four'));
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 1, 'BAL three '));
    await waitForReceived(source, 2);
    await waitUntilRemembered(source, received(source)[1].moId, [1, 2]);

    // After it: even the very same texts are a new message.
    await advance(moPartRetentionMs + 1);
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 1, 'BAL three '));
    await sut.publish(SMS_MO_RAW, part(source, reference, 2, 2, 'four'));
    await waitForReceived(source, 3);
    await waitFor('nothing left waiting', async () =>
      (await openParts(source)) === 0 ? true : undefined,
    );

    const bodies = received(source);
    expect(bodies.map((body) => body.text)).toEqual([
      'BAL one two',
      'BAL three four',
      'BAL three four',
    ]);
    expect(bodies.map((body) => body.lateFragmentOf)).toEqual([undefined, undefined, undefined]);
    expect(new Set(bodies.map((body) => body.moId)).size).toBe(3);
    expect(bodies.every((body) => body.handlerId === sut.id('bal'))).toBe(true);
  });
});
