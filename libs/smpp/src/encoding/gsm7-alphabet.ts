/**
 * GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1, §6.2.1.1;
 * historically GSM 03.38). Index = septet value.
 */
// 16 septets per row: 0x00-0x0F, 0x10-0x1F, ... 0x70-0x7F.
// prettier-ignore
const BASIC_TABLE: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\x1b', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

/** Extension table: these characters are sent as ESC (0x1B) + septet, so they cost 2 septets. */
const EXTENSION_TABLE: ReadonlyArray<readonly [string, number]> = [
  ['\f', 0x0a],
  ['^', 0x14],
  ['{', 0x28],
  ['}', 0x29],
  ['\\', 0x2f],
  ['[', 0x3c],
  ['~', 0x3d],
  [']', 0x3e],
  ['|', 0x40],
  ['€', 0x65],
];

/** Escape to the extension table (23.038 §6.2.1.1). */
export const GSM7_ESCAPE = 0x1b;

/** Character -> septet for the basic table. ESC itself is not a character a text can contain. */
export const GSM7_BASIC_ENCODE: ReadonlyMap<string, number> = new Map(
  BASIC_TABLE.flatMap((char, septet) => (septet === GSM7_ESCAPE ? [] : [[char, septet] as const])),
);

/** Character -> septet following ESC. */
export const GSM7_EXTENSION_ENCODE: ReadonlyMap<string, number> = new Map(EXTENSION_TABLE);

/** Septet -> character for decoding. */
export const GSM7_BASIC_DECODE: readonly string[] = BASIC_TABLE;

/** Septet following ESC -> character for decoding. */
export const GSM7_EXTENSION_DECODE: ReadonlyMap<number, string> = new Map(
  EXTENSION_TABLE.map(([char, septet]) => [septet, char] as const),
);

/** Septets a character costs in GSM-7, or undefined when GSM-7 cannot represent it. */
export function gsm7SeptetCost(char: string): 1 | 2 | undefined {
  if (GSM7_BASIC_ENCODE.has(char)) return 1;
  if (GSM7_EXTENSION_ENCODE.has(char)) return 2;
  return undefined;
}
