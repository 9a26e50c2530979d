import { DAY_MS } from '@tuxhat/runtime';
import { waitFor } from '@tuxhat/testing';

import { MessageRetention } from '../src/message-retention';
import { IngressHarness, ManualClock, statusEvent } from './support/ingress-harness';

const SEND = { to: '+38267123456', from: 'TuxHat', text: 'your code is 1234' };

describe('ingress message retention (MESSAGE_RETENTION_DAYS)', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 1, 12));
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start(
      'ingress_retention',
      { messageRetentionDays: 30 },
      () => undefined,
      clock,
    );
  });

  afterAll(async () => {
    await sut?.close();
  });

  async function submitted(): Promise<string> {
    const answer = await sut.submit(SEND);
    expect(answer.status).toBe(202);
    return String(answer.body.id);
  }

  /** Publishes the statuses as the other services would; resolves once all are projected. */
  async function delivered(id: string): Promise<void> {
    const occurredAt = clock.now().toISOString();
    sut.publishStatus([
      statusEvent(id, 'routed', { occurredAt, source: 'routing' }),
      statusEvent(id, 'sent', { occurredAt, source: 'smpp-connector' }),
      statusEvent(id, 'delivered', { occurredAt, source: 'dlr' }),
    ]);
    await waitFor(`${id} delivered`, async () => {
      const answer = await sut.getMessage(id);
      return answer.body.status === 'delivered' ? true : undefined;
    });
  }

  const historyRows = (messageId: string) =>
    sut.prisma.messageStatusEvent.count({ where: { messageId } });

  it('deletes final messages older than the retention with their history; keeps the rest', async () => {
    const old = await submitted();
    await delivered(old);
    // Never answered: a message that is not final stays, however old.
    const waiting = await submitted();
    expect(await historyRows(old)).toBeGreaterThan(0);

    clock.advance(29 * DAY_MS);
    const recent = await submitted();
    await delivered(recent);

    clock.advance(DAY_MS + 1);
    const retention = sut.ingress.app.get(MessageRetention);
    expect(await retention.sweep.purge()).toEqual({ messages: 1 });

    expect((await sut.getMessage(old)).status).toBe(404);
    expect(await historyRows(old)).toBe(0);
    expect((await sut.getMessage(waiting)).body.status).toBe('accepted');
    expect((await sut.getMessage(recent)).body.status).toBe('delivered');
    expect(await historyRows(recent)).toBeGreaterThan(0);
    const listed = await sut.list('');
    const ids = (listed.body.items as { id: string }[]).map((message) => message.id);
    expect(ids).not.toContain(old);
    expect(ids).toEqual(expect.arrayContaining([waiting, recent]));

    // A second purge finds nothing left to delete.
    expect(await retention.sweep.purge()).toEqual({ messages: 0 });
  });
});

describe('ingress without MESSAGE_RETENTION_DAYS', () => {
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_retention_off', {}, () => undefined, clock);
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('keeps every message for ever', async () => {
    const answer = await sut.submit(SEND);
    const id = String(answer.body.id);
    sut.publishStatus([statusEvent(id, 'failed', { occurredAt: clock.now().toISOString() })]);
    await waitFor(`${id} failed`, async () =>
      (await sut.getMessage(id)).body.status === 'failed' ? true : undefined,
    );

    clock.advance(10 * 365 * DAY_MS);
    expect(await sut.ingress.app.get(MessageRetention).sweep.purge()).toEqual({});
    expect((await sut.getMessage(id)).body.status).toBe('failed');
  });
});
