import examples from 'libphonenumber-js/mobile/examples';
import metadata from 'libphonenumber-js/max/metadata';
import { seededRandom } from '@tuxhat/testing';

import { libraryE164, validE164 } from './e164';

function digits(next: () => number, length: number): string {
  let text = '';
  for (let i = 0; i < length; i++) text += String(Math.floor(next() * 10));
  return text;
}

const callingCodes = [
  ...Object.keys(metadata.country_calling_codes),
  ...Object.keys(metadata.nonGeographic),
];

/** Every country's example mobile number, and the same with each digit changed, cut or grown. */
function exampleVariants(): string[] {
  const numbers: string[] = [];
  for (const [code, countries] of Object.entries(metadata.country_calling_codes)) {
    for (const country of countries) {
      const national = (examples as Record<string, string | undefined>)[country];
      if (!national) continue;
      numbers.push(`+${code}${national}`, `+${code}${national.slice(0, -1)}`);
      numbers.push(`+${code}${national}0`, `+${code}0${national}`);
      for (let i = 0; i < national.length; i++) {
        for (const step of [1, 5]) {
          const digit = String((Number(national[i]) + step) % 10);
          numbers.push(`+${code}${national.slice(0, i)}${digit}${national.slice(i + 1)}`);
        }
      }
    }
  }
  return numbers;
}

/** Random national numbers of every length for every calling code, valid or not. */
function randomNumbers(): string[] {
  const next = seededRandom(20261126);
  const numbers: string[] = [];
  for (const code of callingCodes) {
    for (let length = 1; length <= 18; length++) {
      for (let i = 0; i < 4; i++) numbers.push(`+${code}${digits(next, length)}`);
    }
  }
  // The shared codes decide the country by the number: many more of those.
  for (const code of ['1', '7', '44', '47', '61', '262', '590', '599']) {
    for (let i = 0; i < 600; i++) numbers.push(`+${code}${digits(next, 6 + (i % 6))}`);
  }
  return numbers;
}

describe(validE164.name, () => {
  it('answers exactly as libphonenumber-js does, for every calling code', () => {
    const numbers = [...exampleVariants(), ...randomNumbers()];
    const differences = numbers.filter((number) => validE164(number) !== libraryE164(number));
    expect(differences).toEqual([]);
    // Not a vacuous comparison: plenty of both answers.
    const valid = numbers.filter((number) => validE164(number) !== null).length;
    expect(valid).toBeGreaterThan(numbers.length / 20);
    expect(valid).toBeLessThan(numbers.length * 0.9);
  });

  it.each([
    ['+38267123456', '+38267123456'],
    ['+442079460958', '+442079460958'],
    ['+12025550123', '+12025550123'],
    ['+14165550123', '+14165550123'],
    ['+4915112345678', '+4915112345678'],
    ['+8001234567', null],
    ['+38267', null],
    ['+999123456789', null],
    ['+0123456789', null],
    ['+', null],
  ])('%p -> %p', (input, expected) => {
    expect(validE164(input)).toBe(expected);
    expect(libraryE164(input)).toBe(expected);
  });
});
