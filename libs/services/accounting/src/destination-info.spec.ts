import { getCountries, getCountryCallingCode, parsePhoneNumberFromString } from 'libphonenumber-js';

import { NetworkDirectory, countryOf } from './destination-info';

describe('countryOf', () => {
  it('answers what libphonenumber-js answers, for every calling code and number length', () => {
    // Pseudo-random digits, fixed seed: the same numbers every run.
    let seed = 7;
    const digit = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return String(seed % 10);
    };
    const codes = new Set(getCountries().map((country) => getCountryCallingCode(country)));
    let compared = 0;
    const differences: string[] = [];
    for (const code of [...codes, '800', '882', '999'])
      for (let length = 1; length <= 15 - code.length; length++)
        for (let sample = 0; sample < 3; sample++) {
          let destination = `+${code}`;
          for (let index = 0; index < length; index++) destination += digit();
          const expected = parsePhoneNumberFromString(destination)?.country ?? null;
          if (countryOf(destination) !== expected) differences.push(destination);
          compared++;
        }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(6_000);
  });

  it('tells countries that share a calling code apart, and knows none for junk', () => {
    expect(countryOf('+38267123456')).toBe('ME');
    expect(countryOf('+12025550123')).toBe('US');
    expect(countryOf('+17805550123')).toBe('CA');
    expect(countryOf('+79161234567')).toBe('RU');
    expect(countryOf('+77011234567')).toBe('KZ');
    expect(countryOf('+999123')).toBeNull();
    expect(countryOf('not a number')).toBeNull();
  });
});

describe('NetworkDirectory', () => {
  it('takes the longest matching prefix', () => {
    const networks = new NetworkDirectory([
      { prefix: '382', network: 'ME-any' },
      { prefix: '38267', network: 'ME-Telenor' },
    ]);
    expect(networks.networkOf('+38267123456')).toBe('ME-Telenor');
    expect(networks.networkOf('+38269123456')).toBe('ME-any');
    expect(networks.networkOf('+4915112345678')).toBeNull();
  });
});
