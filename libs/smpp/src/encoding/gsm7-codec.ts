import {
  GSM7_BASIC_DECODE,
  GSM7_BASIC_ENCODE,
  GSM7_ESCAPE,
  GSM7_EXTENSION_DECODE,
  GSM7_EXTENSION_ENCODE,
} from './gsm7-alphabet';

/** Thrown when a text holds a character the GSM 7-bit default alphabet cannot carry. */
export class Gsm7EncodingError extends Error {
  constructor(
    readonly character: string,
    readonly index: number,
  ) {
    super(
      `character ${JSON.stringify(character)} at index ${index} is not in the GSM 7-bit default alphabet`,
    );
    this.name = 'Gsm7EncodingError';
  }
}

/** True when every character of the text is in the basic or extension table. */
export function isGsm7Representable(text: string): boolean {
  for (const char of text) {
    if (!GSM7_BASIC_ENCODE.has(char) && !GSM7_EXTENSION_ENCODE.has(char)) return false;
  }
  return true;
}

/**
 * Encodes text as unpacked septets, one per octet: what SMPP carries for data_coding 0x00
 * (SMPP 3.4 §5.2.19; the SMSC packs them for the air interface).
 */
export function encodeGsm7(text: string): Buffer {
  const septets: number[] = [];
  let index = 0;
  for (const char of text) {
    const basic = GSM7_BASIC_ENCODE.get(char);
    if (basic !== undefined) {
      septets.push(basic);
    } else {
      const extension = GSM7_EXTENSION_ENCODE.get(char);
      if (extension === undefined) throw new Gsm7EncodingError(char, index);
      septets.push(GSM7_ESCAPE, extension);
    }
    index += char.length;
  }
  return Buffer.from(septets);
}

/**
 * Decodes unpacked septets. Per 23.038 §6.2.1.1 an escape followed by a septet the extension
 * table does not define shows the basic-table character; octets above 0x7F are not septets
 * and decode as '?'.
 */
export function decodeGsm7(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i++) {
    const septet = bytes[i];
    if (septet === GSM7_ESCAPE) {
      const next = bytes[i + 1];
      if (next === undefined) break;
      i++;
      text += GSM7_EXTENSION_DECODE.get(next) ?? basicChar(next);
      continue;
    }
    text += basicChar(septet);
  }
  return text;
}

function basicChar(septet: number): string {
  if (septet === GSM7_ESCAPE) return ' ';
  return GSM7_BASIC_DECODE[septet] ?? '?';
}
