import { MESSAGE_STATUSES, type SmsStatusEvent, newEnvelope } from '@tuxhat/contracts';

import { advances, decisiveEvents, precedences } from './status-projection';

const event = (
  messageId: string,
  status: SmsStatusEvent['status'],
  carrierId?: string,
): SmsStatusEvent => ({
  ...newEnvelope(),
  messageId,
  tenantId: 'acme',
  status,
  source: 'test',
  ...(carrierId ? { carrierId } : {}),
});

describe(advances.name, () => {
  it('moves forward only', () => {
    expect(advances('accepted', 'routed')).toBe(true);
    expect(advances('routed', 'sent')).toBe(true);
    expect(advances('sent', 'delivered')).toBe(true);
    expect(advances('delivered', 'sent')).toBe(false);
    expect(advances('sent', 'routed')).toBe(false);
  });

  it('takes a newer event of the same non-final status (failover), never replaces a final state', () => {
    expect(advances('routed', 'routed')).toBe(true);
    for (const final of [
      'delivered',
      'undeliverable',
      'expired',
      'rejected',
      'failed',
      'unknown',
    ] as const) {
      for (const next of MESSAGE_STATUSES) expect(advances(final, next)).toBe(false);
    }
  });
});

describe(decisiveEvents.name, () => {
  /** The status reached by applying the events one at a time, as the reference. */
  const oneByOne = (start: SmsStatusEvent['status'], events: SmsStatusEvent[]) =>
    events.reduce((status, next) => (advances(status, next.status) ? next.status : status), start);

  it('picks one event per message', () => {
    const events = [
      event('a', 'sent'),
      event('b', 'routed'),
      event('a', 'delivered'),
      event('a', 'failed'),
    ];
    expect(decisiveEvents(events).map((item) => [item.messageId, item.status])).toEqual([
      ['a', 'delivered'],
      ['b', 'routed'],
    ]);
  });

  it('keeps the last event of equal non-final rank (the failover carrier)', () => {
    const [decisive] = decisiveEvents([event('a', 'routed', 'one'), event('a', 'routed', 'two')]);
    expect(decisive.carrierId).toBe('two');
  });

  it('gives the same status as applying every event one by one, from any stored status', () => {
    let seed = 7;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    for (let round = 0; round < 500; round++) {
      const events = Array.from({ length: 1 + Math.floor(random() * 6) }, () =>
        event('m', MESSAGE_STATUSES[Math.floor(random() * MESSAGE_STATUSES.length)]),
      );
      const stored = MESSAGE_STATUSES[Math.floor(random() * MESSAGE_STATUSES.length)];
      const [decisive] = decisiveEvents(events);
      const batched = advances(stored, decisive.status) ? decisive.status : stored;
      expect(batched).toBe(oneByOne(stored, events));
    }
  });
});

describe(precedences.name, () => {
  it('ranks so that the highest per message, in any subset of the batch, is the decisive event', () => {
    let seed = 11;
    const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    for (let round = 0; round < 500; round++) {
      const batch = Array.from({ length: 1 + Math.floor(random() * 8) }, (_, index) =>
        event(pick(['a', 'b']), pick(MESSAGE_STATUSES), `c${index}`),
      );
      const precedence = precedences(batch);
      // A subset, as when some events of the batch were replays.
      const subset = batch.map((item, index) => ({ item, index })).filter(() => random() < 0.7);
      const highest = new Map<string, { item: SmsStatusEvent; index: number }>();
      for (const entry of subset) {
        const best = highest.get(entry.item.messageId);
        if (!best || precedence[entry.index] > precedence[best.index]) {
          highest.set(entry.item.messageId, entry);
        }
      }
      const expected = decisiveEvents(subset.map((entry) => entry.item));
      expect([...highest.values()].map((entry) => entry.item).sort(byMessage)).toEqual(
        [...expected].sort(byMessage),
      );
    }
  });
});

function byMessage(left: SmsStatusEvent, right: SmsStatusEvent): number {
  return left.messageId.localeCompare(right.messageId);
}
