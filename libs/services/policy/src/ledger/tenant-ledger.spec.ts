import type { MessageFields, TenantPolicyInput } from '@tuxhat/contracts';

import { CompiledPolicy } from '../compiled-policy';
import { type LedgerState, TenantLedger } from './tenant-ledger';

const NOW = Date.parse('2026-01-15T10:00:00Z');
const timing = { nowMs: NOW, inFlightRecheckMs: 250 };

function policy(input: TenantPolicyInput): CompiledPolicy {
  const compiled = CompiledPolicy.compile(4, input);
  if (!(compiled instanceof CompiledPolicy)) throw new Error(compiled.invalid);
  return compiled;
}

function state(overrides: Partial<LedgerState> = {}): LedgerState {
  return {
    usage: { month: '2026-01', messages: 0, parts: 0, warnedAt: null },
    balance: null,
    inFlight: 0,
    rate: { tatMs: 0 },
    ...overrides,
  };
}

let seq = 0;
function message(parts = 1, priority?: MessageFields['priority']): MessageFields {
  seq++;
  return {
    ...(priority ? { priority } : {}),
    messageId: `m${seq}`,
    tenantId: 'acme',
    destination: '+38267123456',
    source: 'ACME',
    text: 'x',
    encoding: 'gsm7',
    parts,
    acceptedAt: new Date(NOW).toISOString(),
  };
}

describe(TenantLedger.name, () => {
  it('accepts up to the monthly message quota and rejects the rest, naming the rule', () => {
    const sut = new TenantLedger(
      policy({ monthlyQuota: { messages: 3 } }),
      state({ usage: { month: '2026-01', messages: 1, parts: 1, warnedAt: null } }),
      timing,
    );
    const kinds = [1, 2, 3].map(() => sut.admit(message(), [], undefined));
    expect(kinds.map((outcome) => outcome.kind)).toEqual(['accept', 'accept', 'reject']);
    expect(kinds[2]).toEqual({
      kind: 'reject',
      reason: 'quota-exceeded',
      detail: 'policy v4: rejected by monthlyQuota.messages 3 (quota-exceeded)',
    });
    expect(sut.changes.usage).toMatchObject({ messages: 3, parts: 3 });
    expect(sut.counted.size).toBe(2);
  });

  it('counts parts against a parts quota', () => {
    const sut = new TenantLedger(policy({ monthlyQuota: { parts: 5 } }), state(), timing);
    expect(sut.admit(message(3), [], undefined).kind).toBe('accept');
    expect(sut.admit(message(3), [], undefined)).toMatchObject({
      kind: 'reject',
      detail: expect.stringContaining('monthlyQuota.parts 5'),
    });
    expect(sut.admit(message(2), [], undefined).kind).toBe('accept');
  });

  it('raises the usage warning once, when usage reaches warnAtPercent', () => {
    const sut = new TenantLedger(
      policy({ monthlyQuota: { messages: 10, warnAtPercent: 50 } }),
      state({ usage: { month: '2026-01', messages: 3, parts: 3, warnedAt: null } }),
      timing,
    );
    sut.admit(message(), [], undefined);
    expect(sut.changes.warning).toBeUndefined();
    sut.admit(message(), [], undefined);
    sut.admit(message(), [], undefined);
    expect(sut.changes.warning).toEqual({
      month: '2026-01',
      warnAtPercent: 50,
      messages: 5,
      parts: 5,
      quotaMessages: 10,
    });
    expect(sut.changes.usage?.warnedAt).toEqual(new Date(NOW));
    expect(sut.standingWarning).toMatchObject({ messages: 6 });
  });

  it('does not warn again in a month already warned', () => {
    const sut = new TenantLedger(
      policy({ monthlyQuota: { messages: 10, warnAtPercent: 10 } }),
      state({ usage: { month: '2026-01', messages: 5, parts: 5, warnedAt: new Date(0) } }),
      timing,
    );
    sut.admit(message(), [], undefined);
    expect(sut.changes.warning).toBeUndefined();
  });

  it('reserves a prepaid price from the balance and rejects what the balance cannot cover', () => {
    const sut = new TenantLedger(
      policy({ billing: { mode: 'prepaid' } }),
      state({ balance: { currency: 'EUR', availableMinor: 10n } }),
      timing,
    );
    const price = { minor: 4, currency: 'EUR' };
    const outcomes = [1, 2, 3].map(() => sut.admit(message(), [], price));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['accept', 'accept', 'reject']);
    expect(outcomes[2]).toMatchObject({ reason: 'insufficient-balance' });
    expect(sut.reservations).toHaveLength(2);
    expect(sut.changes.reservedMinor).toBe(8n);
    expect(sut.admit(message(), [], undefined)).toMatchObject({ reason: 'price-unavailable' });
    expect(sut.admit(message(), [], { minor: 1, currency: 'USD' })).toMatchObject({
      reason: 'insufficient-balance',
    });
  });

  it('rejects a paid message of a prepaid tenant without a balance, lets a free one through', () => {
    const sut = new TenantLedger(policy({ billing: { mode: 'prepaid' } }), state(), timing);
    expect(sut.admit(message(), [], { minor: 1, currency: 'EUR' })).toMatchObject({
      reason: 'insufficient-balance',
    });
    expect(sut.admit(message(), [], { minor: 0, currency: 'EUR' }).kind).toBe('accept');
    expect(sut.reservations).toEqual([expect.objectContaining({ amountMinor: 0 })]);
  });

  it('rejects over the rate with overLimit reject, without counting the message', () => {
    const sut = new TenantLedger(
      policy({ rate: { messagesPerSecond: 1, burst: 2 }, monthlyQuota: { messages: 100 } }),
      state(),
      timing,
    );
    const outcomes = [1, 2, 3].map(() => sut.admit(message(), [], undefined));
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['accept', 'accept', 'reject']);
    expect(outcomes[2]).toEqual({
      kind: 'reject',
      reason: 'rate-limited',
      detail: 'policy v4: rejected by rate.messagesPerSecond 1 burst 2 (rate-limited)',
    });
    expect(sut.changes.usage?.messages).toBe(2);
    expect(sut.changes.rate?.tatMs).toBe(NOW + 2_000);
  });

  it('queues over the rate with overLimit queue, at the paced slots, counting them now', () => {
    const sut = new TenantLedger(
      policy({ rate: { messagesPerSecond: 2, burst: 1, overLimit: 'queue' } }),
      state(),
      timing,
    );
    const outcomes = [1, 2, 3].map(() => sut.admit(message(), [], undefined));
    expect(outcomes[0].kind).toBe('accept');
    expect(outcomes.slice(1)).toEqual([
      expect.objectContaining({
        kind: 'hold',
        stage: 'paced',
        releaseAt: NOW + 500,
        announce: true,
      }),
      expect.objectContaining({ kind: 'hold', stage: 'paced', releaseAt: NOW + 1_000 }),
    ]);
    expect(sut.counted.size).toBe(3);
  });

  it('lets otp past a bulk backlog held to the rate and the in-flight limit: otp is not covered by default', () => {
    const sut = new TenantLedger(
      policy({ rate: { messagesPerSecond: 1, burst: 1, maxInFlight: 1, overLimit: 'queue' } }),
      state({ inFlight: 1 }),
      timing,
    );
    const bulk = [1, 2, 3].map(() => sut.admit(message(1, 'bulk'), [], undefined));
    expect(bulk.map((outcome) => outcome.kind)).toEqual(['hold', 'hold', 'hold']);
    const tat = sut.changes.rate?.tatMs;
    const otp = sut.admit(message(1, 'otp'), [], undefined);
    expect(otp).toMatchObject({ kind: 'accept' });
    expect(otp.kind === 'accept' && otp.detail).not.toContain('rate');
    // It neither moved the bulk's pace nor took an in-flight slot; it still counts in the month.
    expect(sut.changes.rate?.tatMs).toBe(tat);
    expect(sut.inFlightAdded).toEqual([]);
    expect(sut.counted.size).toBe(4);
  });

  it('limits otp too when rate.classes lists it', () => {
    const sut = new TenantLedger(
      policy({
        rate: { messagesPerSecond: 1, burst: 1, overLimit: 'reject', classes: ['otp', 'bulk'] },
      }),
      state(),
      timing,
    );
    expect(sut.admit(message(1, 'bulk'), [], undefined).kind).toBe('accept');
    expect(sut.admit(message(1, 'otp'), [], undefined)).toMatchObject({ reason: 'rate-limited' });
    // transactional is not listed: not limited.
    expect(sut.admit(message(1, 'transactional'), [], undefined).kind).toBe('accept');
  });

  it('limits messages in flight: rejects or queues, and releases a paced one only with a free slot', () => {
    const rejecting = new TenantLedger(
      policy({ rate: { messagesPerSecond: 1_000, burst: 100, maxInFlight: 2 } }),
      state({ inFlight: 1 }),
      timing,
    );
    expect(rejecting.admit(message(), [], undefined).kind).toBe('accept');
    expect(rejecting.admit(message(), [], undefined)).toMatchObject({
      reason: 'rate-limited',
      detail: expect.stringContaining('rate.maxInFlight 2'),
    });
    expect(rejecting.inFlightAdded).toHaveLength(1);

    const queueing = new TenantLedger(
      policy({
        rate: { messagesPerSecond: 1_000, burst: 100, maxInFlight: 1, overLimit: 'queue' },
      }),
      state({ inFlight: 1 }),
      timing,
    );
    expect(queueing.admit(message(), [], undefined)).toMatchObject({
      kind: 'hold',
      releaseAt: NOW + 250,
    });
    expect(queueing.releasePaced(message())).toMatchObject({ kind: 'hold', announce: false });

    const freed = new TenantLedger(queueing.policy, state({ inFlight: 0 }), timing);
    expect(freed.releasePaced(message()).kind).toBe('accept');
    expect(freed.inFlightAdded).toHaveLength(1);
  });

  it('names the rules that let a message through', () => {
    const sut = new TenantLedger(
      policy({ monthlyQuota: { messages: 10 }, rate: { messagesPerSecond: 5, burst: 5 } }),
      state(),
      timing,
    );
    expect(sut.admit(message(), ['destinations.allow[0] prefix 382'], undefined)).toEqual({
      kind: 'accept',
      detail:
        'policy v4: accepted (destinations.allow[0] prefix 382; monthlyQuota 2026-01 1/10 messages; rate 5/s)',
    });
  });
});
