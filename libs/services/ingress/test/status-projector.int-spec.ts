import { DEAD_LETTER } from '@tuxhat/contracts';
import { PermanentError } from '@tuxhat/messaging';
import { TopicRecorder, waitFor } from '@tuxhat/testing';

import { StatusProjectionRepository } from '../src/status-projection.repository';
import { IngressHarness, statusEvent } from './support/ingress-harness';

/** Event times after every submission of this file (history is ordered by event time). */
const BASE = Date.now() + 60_000;
const at = (second: number) => new Date(BASE + second * 1_000).toISOString();

describe('ingress status projector (sms.status.v1)', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_projector');
  });

  afterAll(async () => {
    await sut?.close();
  });

  async function submitted(): Promise<string> {
    const answer = await sut.submit({ to: '+38267123456', from: 'TuxHat', text: 'hello' });
    expect(answer.status).toBe(202);
    return String(answer.body.id);
  }

  /** Waits until the projector has written `count` history rows for the message. */
  async function historyOf(id: string, count: number) {
    return waitFor(`${count} history rows for ${id}`, async () => {
      const rows = await sut.prisma.messageStatusEvent.findMany({ where: { messageId: id } });
      return rows.length >= count ? rows : undefined;
    });
  }

  it('moves the status forward and serves the history in time order', async () => {
    const id = await submitted();
    sut.publishStatus([
      statusEvent(id, 'routed', {
        occurredAt: at(1),
        carrierId: 'telco-a',
        routeId: 'default',
        detail: 'route default',
        cost: { minor: 4, currency: 'USD' },
      }),
    ]);
    await historyOf(id, 2);
    sut.publishStatus([statusEvent(id, 'sent', { occurredAt: at(2), source: 'dlr' })]);
    const history = await historyOf(id, 3);
    // The routing's cost stays on its history row, for accounting (never in the tenant's view).
    expect(
      history.map(({ status, costMinor, costCurrency }) => ({ status, costMinor, costCurrency })),
    ).toEqual(
      expect.arrayContaining([
        { status: 'routed', costMinor: 4, costCurrency: 'USD' },
        { status: 'sent', costMinor: null, costCurrency: null },
      ]),
    );

    const row = await sut.prisma.message.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({
      status: 'sent',
      carrierId: 'telco-a', // kept: the sent event names no carrier
      routeId: 'default',
      statusDetail: null, // the detail belongs to the status it explains
    });

    const answer = await sut.getMessage(id);
    expect(answer.body.status).toBe('sent');
    expect(answer.body.history).toEqual([
      expect.objectContaining({ status: 'accepted', source: 'ingress' }),
      { status: 'routed', at: at(1), detail: 'route default', source: 'test', errorCode: null },
      { status: 'sent', at: at(2), detail: null, source: 'dlr', errorCode: null },
    ]);
    expect(answer.body.statusErrorCode).toBeNull();
  });

  it("keeps each status's error code on its history row; the view shows the current one's", async () => {
    const id = await submitted();
    sut.publishStatus([
      statusEvent(id, 'routed', { occurredAt: at(30), carrierId: 'telco-a' }),
      statusEvent(id, 'failed', {
        occurredAt: at(31),
        source: 'connector',
        detail: 'submit_sm_resp 0x0000000B',
        errorCode: '0x0000000B',
      }),
    ]);
    await historyOf(id, 3);
    // A contradicting late final state with its own code, then a late step after it: neither
    // takes the status, so the current status's entry is not the last one.
    sut.publishStatus([
      statusEvent(id, 'failed', { occurredAt: at(32), detail: 'late', errorCode: 'LATE' }),
      statusEvent(id, 'sent', { occurredAt: at(33), source: 'dlr' }),
    ]);
    const rows = await historyOf(id, 5);

    expect(rows.map(({ status, errorCode }) => ({ status, errorCode }))).toEqual(
      expect.arrayContaining([
        { status: 'accepted', errorCode: null },
        { status: 'routed', errorCode: null },
        { status: 'failed', errorCode: '0x0000000B' },
        { status: 'failed', errorCode: 'LATE' },
        { status: 'sent', errorCode: null },
      ]),
    );
    const answer = await sut.getMessage(id);
    expect(answer.body).toMatchObject({
      status: 'failed',
      statusDetail: 'submit_sm_resp 0x0000000B',
      statusErrorCode: '0x0000000B',
    });
    expect(
      (answer.body.history as { status: string; errorCode: string | null }[]).map(
        ({ status, errorCode }) => [status, errorCode],
      ),
    ).toEqual([
      ['accepted', null],
      ['routed', null],
      ['failed', '0x0000000B'],
      ['failed', 'LATE'],
      ['sent', null],
    ]);
    // On the message too (the listing's), from the event that set the status, not the late one.
    const row = await sut.prisma.message.findUniqueOrThrow({ where: { id } });
    expect(row.statusErrorCode).toBe('0x0000000B');
    // A message projected before the column existed: the view finds the code in the history.
    await sut.prisma.message.update({ where: { id }, data: { statusErrorCode: null } });
    expect((await sut.getMessage(id)).body.statusErrorCode).toBe('0x0000000B');
    expect((await sut.list('status=failed')).body.items).toContainEqual(
      expect.objectContaining({ id, statusErrorCode: null }),
    );
  });

  it('never lets a late "sent" overwrite "delivered" (receipt before submit_sm_resp)', async () => {
    const id = await submitted();
    sut.publishStatus([
      statusEvent(id, 'delivered', { occurredAt: at(5), detail: 'stat:DELIVRD' }),
    ]);
    await historyOf(id, 2);
    sut.publishStatus([statusEvent(id, 'sent', { occurredAt: at(4), carrierId: 'telco-b' })]);
    await historyOf(id, 3);

    const row = await sut.prisma.message.findUniqueOrThrow({ where: { id } });
    expect(row.status).toBe('delivered');
    expect(row.statusDetail).toBe('stat:DELIVRD');
    expect(row.carrierId).toBeNull();

    const answer = await sut.getMessage(id);
    expect(answer.body.status).toBe('delivered');
    expect((answer.body.history as { status: string }[]).map((entry) => entry.status)).toEqual([
      'accepted',
      'sent',
      'delivered',
    ]);
  });

  it('applies a whole batch as if one by one: highest rank wins, the first final state stays', async () => {
    const [a, b] = [await submitted(), await submitted()];
    sut.publishStatus([
      statusEvent(a, 'sent', { occurredAt: at(10) }),
      statusEvent(b, 'routed', { occurredAt: at(10), carrierId: 'telco-a' }),
      statusEvent(a, 'delivered', { occurredAt: at(12) }),
      statusEvent(b, 'routed', { occurredAt: at(11), carrierId: 'telco-b' }), // failover
      statusEvent(a, 'failed', { occurredAt: at(13) }), // contradicting late final state
    ]);
    await historyOf(a, 4);
    await historyOf(b, 3);

    expect(await sut.prisma.message.findUniqueOrThrow({ where: { id: a } })).toMatchObject({
      status: 'delivered',
    });
    expect(await sut.prisma.message.findUniqueOrThrow({ where: { id: b } })).toMatchObject({
      status: 'routed',
      carrierId: 'telco-b',
    });
  });

  it('ignores a replayed event: one history row, no change', async () => {
    const id = await submitted();
    const routed = statusEvent(id, 'routed', { occurredAt: at(20), carrierId: 'telco-a' });
    sut.publishStatus([routed, routed]); // a duplicate within one batch
    await historyOf(id, 2);
    // Redelivered after it was projected, next to an event that changes the carrier.
    const failover = statusEvent(id, 'routed', { occurredAt: at(21), carrierId: 'telco-b' });
    sut.publishStatus([failover]);
    await historyOf(id, 3);
    sut.publishStatus([routed]);
    // Let the transport take the replay as a batch of its own before the marker arrives.
    await new Promise((resolve) => setImmediate(resolve));
    const marker = statusEvent(id, 'sent', { occurredAt: at(22) });
    sut.publishStatus([marker]);
    await historyOf(id, 4);

    const rows = await sut.prisma.messageStatusEvent.findMany({ where: { messageId: id } });
    expect(rows.filter((row) => row.eventId === routed.eventId)).toHaveLength(1);
    expect(rows).toHaveLength(4);
    // The replayed first `routed` did not take the carrier back to telco-a.
    expect(await sut.prisma.message.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'sent',
      carrierId: 'telco-b',
    });
  });

  it('skips events for unknown messages or another tenant without holding up the batch', async () => {
    const id = await submitted();
    sut.publishStatus([
      statusEvent('msg_does_not_exist', 'delivered'),
      statusEvent(id, 'delivered', { tenantId: 'other' }),
      statusEvent(id, 'routed', { occurredAt: at(30) }),
    ]);
    await historyOf(id, 2);

    const row = await sut.prisma.message.findUniqueOrThrow({
      where: { id },
      include: { statusEvents: true },
    });
    expect(row.status).toBe('routed');
    expect(row.statusEvents.map((event) => event.status).sort()).toEqual(['accepted', 'routed']);
    expect(sut.logger.text()).toMatch(/skipped 2 status event\(s\)/);
  });

  it('hands a failing batch to the bus with its original error (retry or dead letter)', async () => {
    const id = await submitted();
    const deadLetters = new TopicRecorder(DEAD_LETTER, sut.broker);
    const repository = sut.ingress.app.get(StatusProjectionRepository);
    const spy = jest
      .spyOn(repository, 'project')
      .mockRejectedValue(new PermanentError('cannot project this'));
    try {
      const event = statusEvent(id, 'routed');
      sut.publishStatus([event]);
      const [letter] = await deadLetters.waitFor(1);
      expect(letter).toMatchObject({ consumerGroup: 'ingress', originalTopic: 'sms.status.v1' });
      expect(letter.reason).toContain('PermanentError: cannot project this');
    } finally {
      spy.mockRestore();
    }
  });
});
