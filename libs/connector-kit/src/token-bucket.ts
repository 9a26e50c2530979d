/**
 * A token bucket: `ratePerSecond` tokens accrue continuously up to `burst`; taking one is
 * allowed while one is there. Holds a throughput limit (per bind, per carrier, per account)
 * without a timer of its own: callers ask how long until the next token and wait that long.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly ratePerSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
    if (!(burst >= 1)) throw new RangeError(`burst must be >= 1, got ${burst}`);
    this.tokens = burst;
    this.updatedAt = this.now();
  }

  /**
   * A bucket for `ratePerSecond` whose burst is a twentieth of a second's worth (at least one
   * token): short enough that a one-second window never sees more than ~5 % over the rate.
   */
  static forRate(ratePerSecond: number, now?: () => number): TokenBucket {
    return new TokenBucket(ratePerSecond, Math.max(1, Math.floor(ratePerSecond / 20)), now);
  }

  /** Takes a token when one is there. */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is there (0 when one is). */
  msUntilToken(): number {
    this.refill();
    if (this.tokens >= 1) return 0;
    return Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1_000);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = Math.max(0, now - this.updatedAt);
    this.updatedAt = now;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed / 1_000) * this.ratePerSecond);
  }
}
