import type { EventOf, TopicDefinition } from '@tuxhat/contracts';

/** An event made of what a carrier sent (a receipt, an MO), or why it does not fit its topic. */
export type Mapped<T> =
  { readonly ok: true; readonly event: T } | { readonly ok: false; readonly reason: string };

/**
 * The candidate as the topic's event when it fits the topic's schema; else the schema's
 * problems in one line (`path: message; ...`), for the warning that drops what the carrier sent.
 */
export function mapCarrierEvent<T extends TopicDefinition>(
  topic: T,
  candidate: unknown,
): Mapped<EventOf<T>> {
  const parsed = topic.schema.safeParse(candidate);
  if (parsed.success) return { ok: true, event: parsed.data as EventOf<T> };
  return {
    ok: false,
    reason: parsed.error.issues
      .map((issue) => `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`)
      .join('; '),
  };
}
