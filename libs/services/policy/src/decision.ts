/**
 * What the policy decides for a message, and how the decision reads in the status history.
 * Reasons are stable machine-readable codes (the status event's errorCode); rules name the
 * part of the policy document that decided, e.g. `destinations.deny[2] country DE`.
 */
export const REJECTION_REASONS = [
  'tenant-unknown',
  'tenant-suspended',
  'policy-invalid',
  'destination-denied',
  'destination-not-allowed',
  'suppressed',
  'outside-window',
  'quota-exceeded',
  'insufficient-balance',
  'price-unavailable',
  'rate-limited',
] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

/**
 * Why a message is held. `window`: before anything counted it (outside a send window, or before
 * its `scheduledAt`), decided again in full when due; `paced`: queued by the rate, already
 * counted, released at its slot.
 */
export type HoldStage = 'window' | 'paced';

export type Outcome =
  | { readonly kind: 'accept'; readonly detail: string }
  | { readonly kind: 'reject'; readonly reason: RejectionReason; readonly detail: string }
  | {
      readonly kind: 'hold';
      readonly stage: HoldStage;
      readonly releaseAt: number;
      readonly detail: string;
      /** False for a message that keeps waiting where it was (no new history entry). */
      readonly announce: boolean;
    }
  /** Already held (a redelivery): nothing to publish, the releaser sends it on. */
  | { readonly kind: 'none' };

const MAX_DETAIL = 512;

export function acceptDetail(label: string, notes: readonly string[]): string {
  const why = notes.length > 0 ? notes.join('; ') : 'no rule limits this message';
  return clip(`${prefix(label)}: accepted (${why})`);
}

export function rejectDetail(label: string, rule: string, reason: RejectionReason): string {
  return clip(`${prefix(label)}: rejected by ${rule} (${reason})`);
}

export function holdDetail(
  label: string,
  verb: 'deferred' | 'queued',
  rule: string,
  until?: number,
): string {
  const when = until === undefined ? '' : ` until ${new Date(until).toISOString()}`;
  return clip(`${prefix(label)}: ${verb} by ${rule}${when}`);
}

/** "policy v3", or just "policy" for decisions made before any policy applies (tenant checks). */
function prefix(label: string): string {
  return label ? `policy ${label}` : 'policy';
}

function clip(text: string): string {
  return text.length <= MAX_DETAIL ? text : `${text.slice(0, MAX_DETAIL - 1)}…`;
}
