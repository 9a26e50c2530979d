/** An MO handler as configured (mo_handlers). */
export interface MoHandlerRule {
  readonly id: string;
  readonly tenantId: string;
  readonly destination: string;
  /** Upper-case; "" is the destination's catch-all. */
  readonly keyword: string;
  readonly kind: 'webhook' | 'kafka' | 'auto_reply';
  readonly url: string | null;
  readonly replyTemplate: string | null;
}

/**
 * Short codes and numbers as the lookup key: carriers write the same number with or without
 * `+` or a `00` international prefix, depending on the TON they use. Alphanumeric
 * destinations compare case-insensitively.
 */
export function addressKey(address: string): string {
  const trimmed = address.trim();
  const digits = /^(?:\+|00)?(\d+)$/.exec(trimmed)?.[1];
  return digits ?? trimmed.toUpperCase();
}

/**
 * The keyword of an MO: its first word, upper-case, without surrounding punctuation
 * ("stop." and "Stop!" are STOP). "" for a text without letters or digits.
 */
export function keywordOf(text: string): string {
  const first = text.trim().split(/\s+/)[0] ?? '';
  return first.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '').toUpperCase();
}

/** The handler for an MO: the destination's handler for its keyword, else the catch-all. */
export function selectHandler(
  handlersOfDestination: readonly MoHandlerRule[],
  keyword: string,
): MoHandlerRule | undefined {
  return (
    (keyword ? handlersOfDestination.find((handler) => handler.keyword === keyword) : undefined) ??
    handlersOfDestination.find((handler) => handler.keyword === '')
  );
}

/** An auto-reply's text: {from}, {to}, {keyword} and {text} are the MO's. */
export function renderReply(
  template: string,
  mo: {
    readonly source: string;
    readonly destination: string;
    readonly keyword: string;
    readonly text: string;
  },
): string {
  return template.replace(/\{(from|to|keyword|text)\}/g, (_match, name: string) => {
    switch (name) {
      case 'from':
        return mo.source;
      case 'to':
        return mo.destination;
      case 'keyword':
        return mo.keyword;
      default:
        return mo.text;
    }
  });
}

/**
 * The sender of an MO as an E.164 number (suppression lists and replies need one): `+` and
 * digits as the carrier marked it international, a long digit string otherwise. Undefined for
 * short codes and alphanumeric senders, which cannot be replied to.
 */
export function e164Of(source: string): string | undefined {
  const trimmed = source.trim();
  const digits = /^(?:\+|00)?([1-9]\d{6,14})$/.exec(trimmed)?.[1];
  return digits === undefined ? undefined : `+${digits}`;
}
