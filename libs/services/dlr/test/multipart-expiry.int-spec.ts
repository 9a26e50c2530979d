import { SMS_DLR_RAW, SMS_SENT } from '@tuxhat/contracts';
import { waitFor } from '@tuxhat/testing';

import { ExpiryScheduler } from '../src';
import { DlrHarness } from './support/dlr-harness';

jest.setTimeout(120_000);

const HOUR = 3_600_000;

/** The dlr of a describe block: 2 h default validity, a minute's grace, the given expiry state. */
function expiryHarness(label: string, expiryStatus: 'unknown' | 'expired'): DlrHarness {
  const sut = new DlrHarness(label, {
    options: { defaultValidityMs: 2 * HOUR, expiryGraceMs: 60_000, expiryStatus },
  });
  beforeAll(() => sut.start());
  afterAll(() => sut.close());
  return sut;
}

describe('dlr multipart aggregation and expiry', () => {
  const sut = expiryHarness('multipart', 'unknown');

  it('is delivered once every part is, keeping each part receipt', async () => {
    const id = await sut.message(sut.id('all'), { parts: 3 });
    await sut.publish(SMS_SENT, sut.sent(id, ['a0', 'a1', 'a2']));
    await sut.waitForStatus(id, (event) => event.status === 'sent');
    // Out of order, and each part on its own partition (keys differ).
    await sut.publish(SMS_DLR_RAW, sut.receipt('A2'));
    await sut.publish(SMS_DLR_RAW, sut.receipt('a0', 'enroute'));
    await sut.publish(SMS_DLR_RAW, sut.receipt('a0'));
    await sut.waitForStatus(id, (event) => event.detail?.includes('(part 1 of 3)') ?? false, 2);
    expect(sut.statuses(id).some((event) => event.status === 'delivered')).toBe(false);

    await sut.publish(SMS_DLR_RAW, sut.receipt('a1'));
    const [final] = await sut.waitForStatus(id, (event) => event.status === 'delivered');
    expect(final.detail).toContain('all 3 parts DELIVRD');
    const parts = await sut.db.database.prisma.dlrPartReceipt.findMany({
      where: { messageId: id },
      orderBy: [{ partIndex: 'asc' }, { receivedAt: 'asc' }],
    });
    expect(parts.map((part) => [part.partIndex, part.state, part.rawState])).toEqual([
      [0, 'enroute', 'ENROUTE'],
      [0, 'delivered', 'DELIVRD'],
      [1, 'delivered', 'DELIVRD'],
      [2, 'delivered', 'DELIVRD'],
    ]);
    // Its deadline goes with the final state (deleted once the status is published).
    await waitFor('the deadline cleared', async () =>
      (await sut.db.database.prisma.dlrDeadline.count({ where: { messageId: id } })) === 0
        ? true
        : undefined,
    );
  });

  it('takes the worst final part, with its raw state and error code', async () => {
    const id = await sut.message(sut.id('worst'), { parts: 3 });
    await sut.publish(SMS_SENT, sut.sent(id, ['w0', 'w1', 'w2']));
    await sut.publish(SMS_DLR_RAW, sut.receipt('w0', 'delivered'));
    await sut.publish(SMS_DLR_RAW, sut.receipt('w1', 'undeliverable', { errorCode: '034' }));
    await sut.publish(SMS_DLR_RAW, sut.receipt('w2', 'expired', { errorCode: '000' }));
    const [final] = await sut.waitForStatus(id, (event) => event.status === 'undeliverable');
    expect(final).toMatchObject({ errorCode: '034', carrierId: sut.carrierA });
    expect(final.detail).toContain('part 2 of 3 UNDELIV err 034');
    expect(sut.statuses(id).filter((event) => event.status === 'undeliverable')).toHaveLength(1);
  });

  it('gives a message without a final receipt by validity + grace its expiry state (injected clock)', async () => {
    const now = sut.clock.now();
    const withValidity = await sut.message(sut.id('valid-1h'), {
      validUntil: new Date(now.getTime() + HOUR),
    });
    const withDefault = await sut.message(sut.id('default'), { createdAt: now });
    const half = await sut.message(sut.id('half'), { parts: 2, createdAt: now });
    const answered = await sut.message(sut.id('answered'), { createdAt: now });
    await sut.publish(SMS_SENT, sut.sent(withValidity, ['x1']));
    await sut.publish(SMS_SENT, sut.sent(withDefault, ['x2']));
    await sut.publish(SMS_SENT, sut.sent(half, ['x3', 'x4']));
    await sut.publish(SMS_SENT, sut.sent(answered, ['x5']));
    await sut.publish(SMS_DLR_RAW, sut.receipt('x3', 'delivered'));
    await sut.publish(SMS_DLR_RAW, sut.receipt('x5', 'delivered'));
    await sut.waitForStatus(half, (event) => event.detail?.includes('(part 1 of 2)') ?? false);
    await sut.waitForStatus(answered, (event) => event.status === 'delivered');
    const deadlines = await sut.db.database.prisma.dlrDeadline.findMany({
      where: { messageId: { in: [withValidity, withDefault, half] } },
      orderBy: { messageId: 'asc' },
    });
    expect(deadlines).toHaveLength(3);

    // One hour plus the grace: only the message with a one-hour validity is due.
    sut.clock.advance(HOUR + 61_000);
    const [expired] = await sut.waitForStatus(withValidity, (event) => event.status === 'unknown');
    expect(expired.detail).toContain(`no final receipt from ${sut.carrierA}`);
    expect(sut.statuses(withDefault).map((event) => event.status)).toEqual(['sent']);

    // The default validity (2 h) plus the grace.
    sut.clock.advance(HOUR);
    await sut.waitForStatus(withDefault, (event) => event.status === 'unknown');
    const [halfFinal] = await sut.waitForStatus(half, (event) => event.status === 'unknown');
    expect(halfFinal.detail).toContain('1 of 2 parts had one');
    // Cleared once the statuses are published (OutcomeService.settle): a reader of the topic
    // may see them a moment before.
    await waitFor('the expired deadlines cleared', async () =>
      (await sut.db.database.prisma.dlrDeadline.count({
        where: { messageId: { in: [withValidity, withDefault, half, answered] } },
      })) === 0
        ? true
        : undefined,
    );
    // Answered: no expiry. (On Kafka the dlr handles sms.sent and receipts concurrently, so the
    // receipt's `delivered` may be published before `sent`; consumers order statuses by rank.)
    expect(
      sut
        .statuses(answered)
        .map((event) => event.status)
        .sort(),
    ).toEqual(['delivered', 'sent']);
  });

  it('counts the default validity from the sending: a message held for days does not expire at once', async () => {
    // Accepted 3 days ago (held by the policy: scheduled, or a send window), sent now.
    const held = await sut.message(sut.id('held'), {
      createdAt: new Date(sut.clock.now().getTime() - 72 * HOUR),
    });
    const before = sut.clock.now().getTime();
    await sut.publish(SMS_SENT, sut.sent(held, ['h1']));
    await sut.waitForStatus(held, (event) => event.status === 'sent');
    const after = sut.clock.now().getTime();
    const deadline = await sut.db.database.prisma.dlrDeadline.findUniqueOrThrow({
      where: { messageId: held },
    });
    // Sending + the default validity (2 h) + the grace (60 s).
    const expiresAt = deadline.expiresAt.getTime();
    expect(expiresAt).toBeGreaterThanOrEqual(before + 2 * HOUR + 60_000);
    expect(expiresAt).toBeLessThanOrEqual(after + 2 * HOUR + 60_000);

    // Not due: a round now leaves it unclaimed.
    await sut.get(ExpiryScheduler).runOnce();
    expect(
      await sut.db.database.prisma.dlrDeadline.findUnique({ where: { messageId: held } }),
    ).toMatchObject({ leaseUntil: null });
    expect(sut.statuses(held).map((event) => event.status)).toEqual(['sent']);

    // Due at the sending + validity + grace.
    sut.clock.advance(expiresAt - sut.clock.now().getTime());
    const [expired] = await sut.waitForStatus(held, (event) => event.status === 'unknown');
    expect(expired.detail).toContain(`by ${deadline.expiresAt.toISOString()} (validity + grace)`);
  });
});

describe("dlr expiry with expiryStatus 'expired'", () => {
  const sut = expiryHarness('expired', 'expired');

  it('gives a message without a final receipt `expired` at validity + grace; a known worse part still wins', async () => {
    const validUntil = new Date(sut.clock.now().getTime() + HOUR);
    const lone = await sut.message(sut.id('lone'), { validUntil });
    const half = await sut.message(sut.id('half'), { parts: 2, validUntil });
    const worse = await sut.message(sut.id('worse'), { parts: 2, validUntil });
    await sut.publish(SMS_SENT, sut.sent(lone, ['e1']));
    await sut.publish(SMS_SENT, sut.sent(half, ['e2', 'e3']));
    await sut.publish(SMS_SENT, sut.sent(worse, ['e4', 'e5']));
    await sut.publish(SMS_DLR_RAW, sut.receipt('e2', 'delivered'));
    await sut.publish(SMS_DLR_RAW, sut.receipt('e4', 'undeliverable', { errorCode: '034' }));
    await sut.waitForStatus(lone, (event) => event.status === 'sent');
    for (const id of [half, worse]) {
      await sut.waitForStatus(id, (event) => event.detail?.includes('(part 1 of 2)') ?? false);
    }

    // Past the validity, within the grace: nothing is due yet.
    sut.clock.advance(HOUR);
    expect(await sut.get(ExpiryScheduler).runOnce()).toBe(0);

    sut.clock.advance(61_000);
    const [expired] = await sut.waitForStatus(lone, (event) => event.status === 'expired');
    expect(expired.detail).toContain(`no final receipt from ${sut.carrierA}`);
    const [halfFinal] = await sut.waitForStatus(half, (event) => event.status === 'expired');
    expect(halfFinal.detail).toContain('1 of 2 parts had one');
    const [worseFinal] = await sut.waitForStatus(
      worse,
      (event) => event.status === 'undeliverable',
    );
    expect(worseFinal).toMatchObject({ errorCode: '034' });
    expect(worseFinal.detail).toContain('UNDELIV err 034');
    await waitFor('the deadlines cleared', async () =>
      (await sut.db.database.prisma.dlrDeadline.count({
        where: { messageId: { in: [lone, half, worse] } },
      })) === 0
        ? true
        : undefined,
    );
    // One final status each, none of them `unknown`.
    for (const id of [lone, half, worse]) {
      expect(
        sut
          .statuses(id)
          .map((event) => event.status)
          .filter((status) => status !== 'sent'),
      ).toHaveLength(1);
    }
  });
});
