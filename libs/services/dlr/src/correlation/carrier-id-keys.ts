/**
 * Carrier message ids as correlation keys.
 *
 * Carriers write the id of one message differently in submit_sm_resp and in the receipt
 * (SMPP 3.4 Appendix B leaves the format to the SMSC): case and surrounding blanks, leading
 * zeros ("000123" vs "123"), or hex in the response and the same number in decimal in the
 * receipt ("0A1B" vs "2587"). Each id is stored under every key it may be looked up by, and a
 * receipt is looked up by all of its keys:
 *
 * - `t:<text>`: trimmed, lower-case, leading zeros dropped. Covers case, blanks, zero padding
 *   (and decimal vs zero-padded decimal).
 * - `n:<decimal>`: for an id of hex digits, the number it stands for read as hex, and for an
 *   id of decimal digits also read as decimal. Covers hex vs decimal.
 *
 * A digit-only id is ambiguous (hex "2587" is 9607): keys can collide between messages, so a
 * text match ranks above a numeric one (see matchRank) and the caller breaks ties.
 */
export function lookupKeys(carrierMessageId: string): string[] {
  const keys = new Set<string>([`t:${normaliseText(carrierMessageId)}`]);
  for (const value of numericReadings(carrierMessageId)) keys.add(`n:${value}`);
  return [...keys];
}

/** How well a receipt's id names a stored id: 0 same text, 1 same number read differently, null no match. */
export function matchRank(storedId: string, receiptId: string): number | null {
  if (normaliseText(storedId) === normaliseText(receiptId)) return 0;
  const stored = new Set(numericReadings(storedId));
  return numericReadings(receiptId).some((value) => stored.has(value)) ? 1 : null;
}

function normaliseText(id: string): string {
  const lower = id.trim().toLowerCase();
  const stripped = lower.replace(/^0+/, '');
  return stripped === '' && lower !== '' ? '0' : stripped;
}

/** Ids are at most 65 characters (the contract), so the BigInts stay small. */
function numericReadings(id: string): string[] {
  const trimmed = id.trim();
  const readings: string[] = [];
  if (/^[0-9]+$/.test(trimmed)) readings.push(BigInt(trimmed).toString(10));
  if (/^[0-9a-f]+$/i.test(trimmed)) readings.push(BigInt(`0x${trimmed}`).toString(10));
  return readings;
}
