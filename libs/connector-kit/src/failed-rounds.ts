import { RecentMap } from '@tuxhat/runtime';

/**
 * How many times in a row each message's try on its carrier failed for a passing reason
 * (throttled, SNS unreachable) on this pod, in a bounded memory (the oldest forgotten first).
 * After a few rounds a connector hands the message back to routing instead of retrying on the
 * same carrier for ever. A restart forgets the count: the worst case is a few more rounds.
 */
export class FailedRounds {
  private readonly rounds: RecentMap<string, number>;

  /** Remembers at least the `capacity` messages counted last (RecentMap). */
  constructor(capacity = 10_000) {
    this.rounds = new RecentMap(capacity);
  }

  /** Counts one more failed round for the message; returns how many it has had. */
  next(messageId: string): number {
    const rounds = (this.rounds.get(messageId) ?? 0) + 1;
    this.rounds.set(messageId, rounds);
    return rounds;
  }

  forget(messageId: string): void {
    this.rounds.delete(messageId);
  }
}
