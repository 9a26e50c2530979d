import { PermanentError, RetryLaterError } from './errors';

/**
 * How a consumer group retries a failed event. Attempts are counted per event across process
 * restarts (the attempt number travels in a header through the durable retry topic).
 */
export interface RetryPolicy {
  /** Deliveries in total, the first one included, before the event is dead-lettered. */
  readonly maxAttempts: number;
  /** Delay before attempt n+1 is `backoffMs[min(n-1, length-1)]`, jittered by ±20%. */
  readonly backoffMs: readonly number[];
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 6,
  backoffMs: [500, 2_000, 5_000, 15_000, 30_000],
};

export type FailureDecision =
  | { readonly kind: 'retry'; readonly nextAttempt: number; readonly delayMs: number }
  | { readonly kind: 'dead-letter' };

export function decideOnFailure(
  policy: RetryPolicy,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): FailureDecision {
  const jitter = 1 + (random() * 0.4 - 0.2);
  if (error instanceof RetryLaterError) {
    return { kind: 'retry', nextAttempt: attempt, delayMs: Math.round(error.delayMs * jitter) };
  }
  if (error instanceof PermanentError || attempt >= policy.maxAttempts) {
    return { kind: 'dead-letter' };
  }
  const base = policy.backoffMs[Math.min(attempt - 1, policy.backoffMs.length - 1)] ?? 1_000;
  return { kind: 'retry', nextAttempt: attempt + 1, delayMs: Math.round(base * jitter) };
}
