/**
 * UCS-2 as SMPP carries it for data_coding 0x08: UTF-16 big-endian code units (SMPP 3.4
 * §5.2.19). Characters outside the BMP travel as surrogate pairs, which handsets render.
 */
export function encodeUcs2(text: string): Buffer {
  // 'utf16le' writes the string's UTF-16 code units verbatim (lone surrogates included);
  // swapping each pair of bytes gives big-endian.
  return Buffer.from(text, 'utf16le').swap16();
}

/** Decodes UTF-16BE; a trailing odd octet (a broken carrier payload) is dropped. */
export function decodeUcs2(bytes: Uint8Array): string {
  const even = bytes.length - (bytes.length % 2);
  const copy = Buffer.from(bytes.subarray(0, even));
  return copy.swap16().toString('utf16le');
}
