import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PRIORITY_CLASS, type PriorityClass } from '@tuxhat/contracts';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { IngressConfigSnapshot, type RejectRate } from './ingress-config';
import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';

/** What a limiter says about taking some tokens: how many it got, and when more will be there. */
export interface Grant {
  readonly granted: number;
  /** Milliseconds until the refused remainder (or, when all were granted, 0) could be had. */
  readonly retryAfterMs: number;
}

/**
 * A token bucket: `burst` tokens at most, refilled at `perSecond`. Pure (time is passed in), so
 * it is tested without a clock.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private perSecond: number,
    private capacity: number,
    nowMs: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = nowMs;
  }

  /** A new rate keeps the tokens the tenant has (up to the new capacity). */
  reconfigure(perSecond: number, capacity: number, nowMs: number): void {
    this.refill(nowMs);
    this.perSecond = perSecond;
    this.capacity = capacity;
    this.tokens = Math.min(this.tokens, capacity);
  }

  /** Takes up to `wanted` whole tokens. */
  take(wanted: number, nowMs: number): Grant {
    this.refill(nowMs);
    const granted = Math.max(0, Math.min(wanted, Math.floor(this.tokens)));
    this.tokens -= granted;
    const missing = granted < wanted ? Math.min(wanted - granted, this.capacity) : 0;
    // The next whole token when refused: a client retrying then gets (at least) one message in.
    const deficit = missing === 0 ? 0 : Math.max(1, missing) - this.tokens;
    return {
      granted,
      retryAfterMs: deficit <= 0 ? 0 : Math.ceil((deficit / this.perSecond) * 1000),
    };
  }

  /** Gives back tokens that were taken for nothing (e.g. the request turned out a replay). */
  giveBack(count: number): void {
    this.tokens = Math.min(this.capacity, this.tokens + count);
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + (elapsed / 1000) * this.perSecond);
    this.updatedAt = Math.max(this.updatedAt, nowMs);
  }
}

/** This replica's share of a tenant's rate: ingress replicas split it evenly. */
export function replicaShare(
  rate: RejectRate,
  replicas: number,
): { perSecond: number; capacity: number } {
  return {
    perSecond: rate.messagesPerSecond / replicas,
    // At least one: a burst smaller than the replica count must still let messages through.
    capacity: Math.max(1, rate.burst / replicas),
  };
}

/**
 * Reject-mode rate limits (policy `rate.overLimit: reject`): one token bucket per tenant in
 * memory, so the answer costs no I/O, for the classes the rate covers (`limits`). Each replica enforces rate / INGRESS_REPLICAS. Tenants
 * without a reject-mode rate are not limited here (queue mode is the policy service's).
 */
@Injectable()
export class RateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();

  constructor(
    private readonly config: IngressConfigSnapshot,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INGRESS_OPTIONS) private readonly options: ResolvedIngressOptions,
  ) {}

  /**
   * Whether the tenant's rate covers a message of this class (`rate.classes`: by default not
   * otp). Messages it does not cover take no tokens.
   */
  limits(tenantId: string, priority: PriorityClass | undefined): boolean {
    const rate = this.config.current.rates.get(tenantId);
    return rate !== undefined && rate.classes.has(priority ?? DEFAULT_PRIORITY_CLASS);
  }

  /** Takes up to `count` messages' worth for the tenant; unlimited tenants always get all. */
  take(tenantId: string, count: number): Grant {
    const bucket = this.bucketOf(tenantId);
    return bucket
      ? bucket.take(count, this.clock.now().getTime())
      : { granted: count, retryAfterMs: 0 };
  }

  giveBack(tenantId: string, count: number): void {
    if (count > 0) this.buckets.get(tenantId)?.giveBack(count);
  }

  private bucketOf(tenantId: string): TokenBucket | undefined {
    const rate = this.config.current.rates.get(tenantId);
    if (!rate) {
      this.buckets.delete(tenantId);
      return undefined;
    }
    const { perSecond, capacity } = replicaShare(rate, this.options.replicas);
    const now = this.clock.now().getTime();
    let bucket = this.buckets.get(tenantId);
    if (!bucket) {
      bucket = new TokenBucket(perSecond, capacity, now);
      this.buckets.set(tenantId, bucket);
    } else {
      bucket.reconfigure(perSecond, capacity, now);
    }
    return bucket;
  }
}
