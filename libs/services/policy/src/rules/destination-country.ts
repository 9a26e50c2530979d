import { parsePhoneNumberFromString } from 'libphonenumber-js';

import type { Destination } from './destinations';

/**
 * The country of an E.164 number (libphonenumber-js, as ingress validates numbers). A number
 * valid in no country of its calling code counts for the code's main country (+44 -> GB);
 * non-geographic numbers (+882...) have none.
 */
export function countryOfNumber(number: string): string | undefined {
  const parsed = parsePhoneNumberFromString(number);
  if (!parsed) return undefined;
  return parsed.country ?? parsed.getPossibleCountries()[0];
}

/** A destination whose country is looked up once, and only if a rule asks for it. */
export function destinationOf(number: string): Destination {
  let country: string | undefined | null = null;
  return {
    number,
    country: () => {
      if (country === null) country = countryOfNumber(number);
      return country;
    },
  };
}
