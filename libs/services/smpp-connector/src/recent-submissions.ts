/** How a message's last submission on this pod ended. */
export interface RecentOutcome {
  /** sent: every part accepted; unknown: accepted without ids; failed: the carrier refused it. */
  readonly outcome: 'sent' | 'unknown' | 'failed';
  readonly carrierId: string;
  /** The outbound event's attempt (routing increments it on failover). */
  readonly attempt: number;
}

/**
 * What this pod submitted recently, in memory (bounded, least recently used first out):
 *  - outcomes, so a replay that arrives before the database knows (the dlr service records
 *    carrier ids after it consumes sms.sent) is still recognised;
 *  - the ids of parts a carrier already accepted when a later part of the same message has to
 *    be retried, so the retry sends only the missing parts.
 * The database check (ReplayGuard) is what survives a restart; this only closes the gap.
 */
export class RecentSubmissions {
  private readonly outcomes = new Map<string, RecentOutcome>();
  private readonly parts = new Map<string, Map<number, string>>();

  constructor(private readonly capacity: number) {}

  outcomeOf(messageId: string): RecentOutcome | undefined {
    return this.outcomes.get(messageId);
  }

  remember(messageId: string, outcome: RecentOutcome): void {
    this.parts.delete(partsKey(messageId, outcome.carrierId));
    touch(this.outcomes, messageId, outcome, this.capacity);
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
    touch(this.parts, key, accepted, this.capacity);
  }
}

function partsKey(messageId: string, carrierId: string): string {
  return `${messageId}\n${carrierId}`;
}

/** Map insertion order as recency: re-insert on write, drop the oldest past capacity. */
function touch<V>(map: Map<string, V>, key: string, value: V, capacity: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > capacity) {
    const oldest = map.keys().next();
    if (oldest.done) break;
    map.delete(oldest.value);
  }
}
