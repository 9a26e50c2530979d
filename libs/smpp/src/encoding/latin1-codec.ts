/**
 * ISO-8859-1 as SMPP carries it for data_coding 0x03 (SMPP 3.4 §5.2.19): one octet per
 * character, U+0000..U+00FF. Cheaper than UCS-2 for Western European text GSM-7 cannot carry
 * (140 characters a part instead of 70), for carriers that take it.
 */

/** Thrown when a text holds a character outside Latin-1. */
export class Latin1EncodingError extends Error {
  constructor(
    readonly character: string,
    readonly index: number,
  ) {
    super(`character ${JSON.stringify(character)} at index ${index} is not in ISO-8859-1`);
    this.name = 'Latin1EncodingError';
  }
}

/** True when every character is U+0000..U+00FF. */
export function isLatin1Representable(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) return false;
  }
  return true;
}

export function encodeLatin1(text: string): Buffer {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0xff) {
      throw new Latin1EncodingError(String.fromCodePoint(text.codePointAt(i) ?? 0), i);
    }
  }
  return Buffer.from(text, 'latin1');
}

export function decodeLatin1(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('latin1');
}
