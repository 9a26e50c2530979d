/** data_coding values the gateway sends or decodes (SMPP 3.4 §5.2.19). */
export const DataCoding = {
  /** SMSC default alphabet: the GSM 03.38 default alphabet, one unpacked septet per octet. */
  SMSC_DEFAULT: 0x00,
  IA5: 0x01,
  LATIN1: 0x03,
  BINARY: 0x04,
  /** ISO/IEC 10646 UCS-2, carried as UTF-16BE. */
  UCS2: 0x08,
} as const;
