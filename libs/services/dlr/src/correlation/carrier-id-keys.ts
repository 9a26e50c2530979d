/**
 * Carrier message ids as correlation keys.
 *
 * Carriers write the id of one message differently in submit_sm_resp and in the receipt
 * (SMPP 3.4 Appendix B leaves the format to the SMSC): case and surrounding blanks, leading
 * zeros ("000123" vs "123"), or hex in the response and the same number in decimal in the
 * receipt ("0A1B" vs "2587"). An id is stored under one key, its text (`storedKey`), and a
 * receipt is looked up by every key its id may have been stored under (`lookupKeys`):
 *
 * - `t:<text>`: trimmed, lower-case, leading zeros dropped. Covers case, blanks, zero padding
 *   (and decimal vs zero-padded decimal).
 * - for an id of hex digits, the number it stands for read as hex, and for an id of decimal
 *   digits also read as decimal: the stored text of each such number, spelled in hex and in
 *   decimal. Covers hex vs decimal.
 *
 * Two ids meet exactly when they have the same text or a number in common (an id spelled
 * hex(N) reads as N in hex, one spelled decimal(N) as N in decimal, and those are the only
 * spellings with that reading once normalised): the receipt side enumerates the spellings so
 * that sms.sent writes one row per part instead of one per reading.
 *
 * A digit-only id is ambiguous (hex "2587" is 9607): keys can collide between messages, so a
 * text match (the first lookup key) ranks above a numeric one (see matchRank) and the caller
 * breaks ties.
 */
export function storedKey(carrierMessageId: string): string {
  return `t:${normaliseText(carrierMessageId)}`;
}

/** The stored keys a receipt's id may name, the same text first. */
export function lookupKeys(carrierMessageId: string): string[] {
  const keys = new Set<string>([storedKey(carrierMessageId)]);
  for (const value of numericReadings(carrierMessageId)) {
    keys.add(`t:${value.toString(16)}`);
    keys.add(`t:${value.toString(10)}`);
  }
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
function numericReadings(id: string): bigint[] {
  const trimmed = id.trim();
  const readings: bigint[] = [];
  if (/^[0-9]+$/.test(trimmed)) readings.push(BigInt(trimmed));
  if (/^[0-9a-f]+$/i.test(trimmed)) readings.push(BigInt(`0x${trimmed}`));
  return readings;
}
