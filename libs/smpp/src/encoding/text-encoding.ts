import { DataCoding } from '../protocol/data-coding';
import { isGsm7Representable } from './gsm7-codec';

/** The two encodings the gateway sends MT text in. */
export type TextEncoding = 'gsm7' | 'ucs2';

/** Cheapest encoding: GSM-7 when every character is representable, else UCS-2. */
export function detectEncoding(text: string): TextEncoding {
  return isGsm7Representable(text) ? 'gsm7' : 'ucs2';
}

/** data_coding for each encoding (SMPP 3.4 §5.2.19). GSM-7 is sent as 0x00, never node-smpp's 0x01. */
export function dataCodingFor(encoding: TextEncoding): number {
  return encoding === 'gsm7' ? DataCoding.SMSC_DEFAULT : DataCoding.UCS2;
}
