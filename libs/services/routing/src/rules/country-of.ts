import { parsePhoneNumberFromString } from 'libphonenumber-js';

/**
 * ISO 3166-1 alpha-2 country of an E.164 number (digits without "+"), null when
 * libphonenumber-js cannot tell. Parsing costs tens of microseconds, too much per message, and
 * the country depends only on the calling code and the first national digits (NANP area
 * codes, +44 crown dependencies, +7 Kazakhstan...), so answers are cached by the first
 * KEY_DIGITS digits: far longer than any leading-digits pattern that decides a country.
 */
export function countryOf(digits: string): string | null {
  const key = digits.slice(0, KEY_DIGITS);
  const cached = cache.get(key);
  if (cached !== undefined) return cached;
  const country = parsePhoneNumberFromString(`+${digits}`)?.country ?? null;
  if (cache.size >= MAX_ENTRIES) cache.clear();
  cache.set(key, country);
  return country;
}

const KEY_DIGITS = 8;
const MAX_ENTRIES = 100_000;
const cache = new Map<string, string | null>();
