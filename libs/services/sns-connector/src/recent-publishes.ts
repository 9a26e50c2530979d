/** How a message's last Publish on this pod ended. */
export interface RecentOutcome {
  readonly outcome: 'sent' | 'failed';
  readonly carrierId: string;
  /** The outbound event's attempt (routing increments it on failover). */
  readonly attempt: number;
}

/**
 * What this pod published recently, in memory (bounded, least recently used first out):
 *  - outcomes, so a replay that arrives before the database knows (the dlr service records
 *    carrier ids only after it consumed sms.sent) is still recognised;
 *  - SNS MessageIds of messages SNS took whose sms.sent could not be published yet, so the
 *    retry publishes sms.sent without texting the phone a second time.
 * The database check (ReplayGuard) is what survives a restart.
 */
export class RecentPublishes {
  private readonly outcomes = new Map<string, RecentOutcome>();
  private readonly accepted = new Map<string, string>();

  constructor(private readonly capacity: number) {}

  outcomeOf(messageId: string): RecentOutcome | undefined {
    return this.outcomes.get(messageId);
  }

  remember(messageId: string, outcome: RecentOutcome): void {
    this.accepted.delete(acceptedKey(messageId, outcome.carrierId));
    touch(this.outcomes, messageId, outcome, this.capacity);
  }

  /** The SNS MessageId this carrier already gave the message, if any. */
  acceptedId(messageId: string, carrierId: string): string | undefined {
    return this.accepted.get(acceptedKey(messageId, carrierId));
  }

  rememberAccepted(messageId: string, carrierId: string, snsMessageId: string): void {
    touch(this.accepted, acceptedKey(messageId, carrierId), snsMessageId, this.capacity);
  }
}

function acceptedKey(messageId: string, carrierId: string): string {
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
