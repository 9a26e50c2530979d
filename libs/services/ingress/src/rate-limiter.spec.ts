import type { IngressConfig, IngressConfigSnapshot, RejectRate } from './ingress-config';
import { RateLimiter, TokenBucket, replicaShare } from './rate-limiter';

describe(TokenBucket.name, () => {
  it('grants the burst at once, then the rate, and says when to come back', () => {
    const sut = new TokenBucket(2, 3, 0);
    expect(sut.take(1, 0)).toEqual({ granted: 1, retryAfterMs: 0 });
    // The refused remainder (3) is there in 1.5 s.
    expect(sut.take(5, 0)).toEqual({ granted: 2, retryAfterMs: 1_500 });
    expect(sut.take(1, 0)).toEqual({ granted: 0, retryAfterMs: 500 });
    expect(sut.take(1, 499).granted).toBe(0);
    expect(sut.take(1, 500).granted).toBe(1);
    // Never more than the burst, however long it was idle.
    expect(sut.take(10, 1_000_000).granted).toBe(3);
  });

  it('gives back tokens taken for nothing, up to the burst', () => {
    const sut = new TokenBucket(1, 2, 0);
    sut.take(2, 0);
    sut.giveBack(5);
    expect(sut.take(5, 0).granted).toBe(2);
  });

  it('keeps the tokens a tenant has when its rate changes', () => {
    const sut = new TokenBucket(1, 10, 0);
    sut.take(8, 0);
    sut.reconfigure(100, 5, 0);
    expect(sut.take(10, 0).granted).toBe(2);
    expect(sut.take(1, 10).granted).toBe(1);
  });

  it('matches the rate over a long run', () => {
    const sut = new TokenBucket(50, 5, 0);
    let granted = 0;
    for (let ms = 0; ms <= 10_000; ms += 3) granted += sut.take(1, ms).granted;
    expect(granted).toBeGreaterThanOrEqual(5 + 500 - 1);
    expect(granted).toBeLessThanOrEqual(5 + 500 + 1);
  });
});

const NOT_OTP: RejectRate['classes'] = new Set(['transactional', 'bulk']);

describe(replicaShare.name, () => {
  it('divides rate and burst among replicas, never below one message of burst', () => {
    expect(replicaShare({ messagesPerSecond: 100, burst: 10, classes: NOT_OTP }, 4)).toEqual({
      perSecond: 25,
      capacity: 2.5,
    });
    expect(replicaShare({ messagesPerSecond: 1, burst: 1, classes: NOT_OTP }, 3)).toEqual({
      perSecond: 1 / 3,
      capacity: 1,
    });
  });
});

describe(RateLimiter.name, () => {
  it('limits only tenants with a reject-mode rate, and only the classes it covers', () => {
    let config: IngressConfig = {
      keys: new Map(),
      certificates: new Map(),
      rates: new Map([['acme', { messagesPerSecond: 1, burst: 2, classes: NOT_OTP }]]),
      quotas: new Map(),
    };
    const snapshot = {
      get current() {
        return config;
      },
    } as unknown as IngressConfigSnapshot;
    const now = 1_000;
    const sut = new RateLimiter(
      snapshot,
      { now: () => new Date(now) },
      {
        maxParts: 10,
        replicas: 1,
        configPollMs: 1_000,
        keyUsageFlushMs: 1_000,
        idempotencyPurgeMs: 1_000,
        messageRetentionMs: null,
      },
    );
    expect(sut.limits('acme', 'bulk')).toBe(true);
    expect(sut.limits('acme', undefined)).toBe(true); // transactional, the default class
    expect(sut.limits('acme', 'otp')).toBe(false);
    expect(sut.limits('other', 'bulk')).toBe(false);
    expect(sut.take('acme', 3)).toEqual({ granted: 2, retryAfterMs: 1_000 });
    expect(sut.take('other', 1_000)).toEqual({ granted: 1_000, retryAfterMs: 0 });
    config = { ...config, rates: new Map() };
    expect(sut.take('acme', 5).granted).toBe(5);
  });
});
