import { type SmsStatusEvent, newEnvelope } from '@tuxhat/contracts';

import { StatusStreamHub } from './status-stream.hub';

const event = (tenantId: string, messageId: string): SmsStatusEvent => ({
  ...newEnvelope(),
  tenantId,
  messageId,
  status: 'delivered',
  source: 'test',
});

describe(StatusStreamHub.name, () => {
  it('hands each event to its own tenant’s streams only', () => {
    const sut = new StatusStreamHub();
    const seen: Record<string, string[]> = { a1: [], a2: [], b: [] };
    const subscriber = (name: string) => ({
      next: (e: SmsStatusEvent) => seen[name].push(e.messageId),
      end: () => undefined,
    });
    sut.subscribe('acme', subscriber('a1'));
    const unsubscribe = sut.subscribe('acme', subscriber('a2'));
    sut.subscribe('other', subscriber('b'));
    sut.publish([event('acme', 'm1'), event('other', 'm2'), event('nobody', 'm3')]);
    unsubscribe();
    sut.publish([event('acme', 'm4')]);
    expect(seen).toEqual({ a1: ['m1', 'm4'], a2: ['m1'], b: ['m2'] });
    expect(sut.count('acme')).toBe(1);
    expect(sut.count()).toBe(2);
  });

  it('tells its watchers how many streams are open at each opening and closing, once each', () => {
    const sut = new StatusStreamHub();
    const counts: number[] = [];
    const unwatch = sut.watch((open) => counts.push(open));
    const quiet = { next: () => undefined, end: () => undefined };
    const closeFirst = sut.subscribe('acme', quiet);
    const closeSecond = sut.subscribe('other', quiet);
    closeFirst();
    closeFirst(); // a stream ending twice (cancelled, then torn down) closes once
    closeSecond();
    unwatch();
    sut.subscribe('acme', quiet);
    expect(counts).toEqual([1, 2, 1, 0]);
  });

  it('ends every stream when the service closes', () => {
    const sut = new StatusStreamHub();
    const ended: string[] = [];
    sut.subscribe('acme', { next: () => undefined, end: () => ended.push('a') });
    sut.subscribe('other', { next: () => undefined, end: () => ended.push('b') });
    sut.onModuleDestroy();
    expect(ended.sort()).toEqual(['a', 'b']);
    expect(sut.count()).toBe(0);
  });
});
