/**
 * When an event occurred (its envelope's occurredAt), in epoch milliseconds, for the latency
 * metric of every event of every hop. Events carry `Date.toISOString()` form
 * (`2026-11-26T08:00:00.123Z`), and the events of a batch mostly fall in the same second: the
 * second is parsed once and reused while it matches, only the milliseconds are read per event.
 * Any other form goes through Date.parse.
 */
export function occurredAtOf(event: unknown): number | undefined {
  const value = (event as { occurredAt?: unknown } | null)?.occurredAt;
  if (typeof value !== 'string') return undefined;
  const isoForm = isIsoUtcMillis(value);
  if (isoForm && lastSecond !== '' && value.startsWith(lastSecond)) {
    return lastSecondAt + millisOf(value);
  }
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  if (isoForm) {
    lastSecond = value.slice(0, SECOND_LENGTH);
    lastSecondAt = at - millisOf(value);
  }
  return at;
}

/** `YYYY-MM-DDTHH:MM:SS` */
const SECOND_LENGTH = 19;
let lastSecond = '';
let lastSecondAt = 0;

const DOT = 46;
const ZULU = 90;
const ZERO = 48;

function isIsoUtcMillis(value: string): boolean {
  return (
    value.length === 24 &&
    value.charCodeAt(SECOND_LENGTH) === DOT &&
    value.charCodeAt(23) === ZULU &&
    isDigit(value.charCodeAt(20)) &&
    isDigit(value.charCodeAt(21)) &&
    isDigit(value.charCodeAt(22))
  );
}

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

function millisOf(value: string): number {
  return (
    (value.charCodeAt(20) - ZERO) * 100 +
    (value.charCodeAt(21) - ZERO) * 10 +
    (value.charCodeAt(22) - ZERO)
  );
}
