/** A record on its way to the bus: already serialised, addressed to a physical topic. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly headers: Readonly<Record<string, string>>;
}

/** A record as a consumer receives it, from Kafka or the in-process broker. */
export interface IncomingRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** Header names the transports own. Original headers (trace context) travel alongside. */
export const BusHeaders = {
  /** The logical topic a retried record came from. */
  originalTopic: 'tuxhat-original-topic',
  /** Which attempt the next delivery is (1 = first delivery). */
  attempt: 'tuxhat-attempt',
  /** Epoch milliseconds before which a retried record must not be handled. */
  notBefore: 'tuxhat-not-before',
  lastError: 'tuxhat-last-error',
} as const;
