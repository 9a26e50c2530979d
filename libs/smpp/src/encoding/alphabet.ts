import { DataCoding } from '../protocol/data-coding';
import { isGsm7Representable } from './gsm7-codec';
import { isLatin1Representable } from './latin1-codec';

/**
 * The alphabets the gateway sends MT text in (SMPP 3.4 §5.2.19): GSM 03.38 (data_coding 0x00,
 * the SMSC default alphabet), ISO-8859-1 (0x03) and UCS-2 (0x08). Which ones a carrier takes,
 * and in which order of preference, is carrier configuration.
 */
export type Alphabet = 'gsm7' | 'latin1' | 'ucs2';

export const ALPHABETS: readonly Alphabet[] = ['gsm7', 'latin1', 'ucs2'];

/** data_coding of each alphabet. */
export function dataCodingOf(alphabet: Alphabet): number {
  switch (alphabet) {
    case 'gsm7':
      return DataCoding.SMSC_DEFAULT;
    case 'latin1':
      return DataCoding.LATIN1;
    case 'ucs2':
      return DataCoding.UCS2;
  }
}

export function canCarry(alphabet: Alphabet, text: string): boolean {
  switch (alphabet) {
    case 'gsm7':
      return isGsm7Representable(text);
    case 'latin1':
      return isLatin1Representable(text);
    case 'ucs2':
      return true;
  }
}

/**
 * The first alphabet of the carrier's preference list that can carry the text; UCS-2 when
 * none can (it carries every character, so a message is never refused for its alphabet).
 */
export function chooseAlphabet(text: string, preference: readonly Alphabet[]): Alphabet {
  return preference.find((alphabet) => canCarry(alphabet, text)) ?? 'ucs2';
}
