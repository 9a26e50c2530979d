import { RecentMap } from '@tuxhat/runtime';

/** How a message's last try on one carrier ended, on this pod. */
export interface RecentOutcome {
  /**
   * sent: every part accepted; unknown: accepted without ids; failed: the carrier refused it
   * for good; rerouted: handed back to routing to try another carrier.
   */
  readonly outcome: 'sent' | 'unknown' | 'failed' | 'rerouted';
  readonly carrierId: string;
  /** The outbound event's attempt (routing increments it on failover). */
  readonly attempt: number;
  /** rerouted only: the carrier may have the message after all (timeout, connection lost). */
  readonly mayHaveReached?: boolean;
}

/**
 * What this pod sent recently, in memory (bounded, least recently written first out):
 *  - per message, how each carrier's last try ended, so a replay that arrives before the
 *    database knows (the dlr service records carrier ids only after it consumed sms.sent) is
 *    still recognised, and a carrier that may already have a message never gets it again;
 *  - the ids of parts a carrier already accepted when another part must be retried, so the
 *    retry sends only the missing ones (and, SNS, the MessageId of a Publish whose sms.sent
 *    could not be published yet).
 * The database check (ReplayGuard) is what survives a restart; this only closes the gap.
 */
export class RecentOutcomes {
  private readonly outcomes: RecentMap<string, readonly RecentOutcome[]>;
  private readonly parts: RecentMap<string, Map<number, string>>;

  /** Remembers at least the `capacity` messages written last (RecentMap). */
  constructor(capacity: number) {
    this.outcomes = new RecentMap(capacity);
    this.parts = new RecentMap(capacity);
  }

  /** Every carrier's last outcome for the message, oldest first. */
  outcomesOf(messageId: string): readonly RecentOutcome[] {
    return this.outcomes.get(messageId) ?? [];
  }

  remember(messageId: string, outcome: RecentOutcome): void {
    this.parts.delete(partsKey(messageId, outcome.carrierId));
    const others = this.outcomesOf(messageId).filter(
      (known) => known.carrierId !== outcome.carrierId,
    );
    this.outcomes.set(messageId, [...others, outcome]);
  }

  /** Parts of the message this carrier already accepted: part index -> carrier message id. */
  acceptedParts(messageId: string, carrierId: string): ReadonlyMap<number, string> {
    return this.parts.get(partsKey(messageId, carrierId)) ?? new Map();
  }

  rememberAcceptedPart(
    messageId: string,
    carrierId: string,
    partIndex: number,
    carrierMessageId: string,
  ): void {
    const key = partsKey(messageId, carrierId);
    const accepted = this.parts.get(key) ?? new Map<number, string>();
    accepted.set(partIndex, carrierMessageId);
    this.parts.set(key, accepted);
  }
}

function partsKey(messageId: string, carrierId: string): string {
  return `${messageId}\n${carrierId}`;
}
