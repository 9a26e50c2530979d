/**
 * User Data Header handling for concatenated SMS (3GPP TS 23.040 §9.2.3.24).
 * The UDH sits at the start of short_message when esm_class has UDHI (SMPP 3.4 §5.2.12).
 */

/** IE 0x00: concatenated short messages, 8-bit reference (23.040 §9.2.3.24.1). */
export const IEI_CONCAT_8BIT = 0x00;
/** IE 0x08: concatenated short messages, 16-bit reference (23.040 §9.2.3.24.8). */
export const IEI_CONCAT_16BIT = 0x08;

export interface ConcatInfo {
  reference: number;
  total: number;
  /** 1-based part number. */
  sequence: number;
}

export interface SplitUserData {
  /** The whole header including its UDHL octet, when present and well formed. */
  udh?: Buffer;
  concat?: ConcatInfo;
  payload: Buffer;
}

/** UDHL 05, IE 00 length 03, reference, total, sequence. */
export function buildConcatUdh(reference: number, total: number, sequence: number): Buffer {
  if (!Number.isInteger(reference) || reference < 0 || reference > 0xff) {
    throw new RangeError(`concatenation reference must be 0..255, got ${reference}`);
  }
  checkNumbering(total, sequence);
  return Buffer.from([0x05, IEI_CONCAT_8BIT, 0x03, reference, total, sequence]);
}

/**
 * Splits short_message into UDH and payload. A header whose length runs past the message is
 * treated as absent (payload = whole message) rather than trusted.
 */
export function splitUserData(shortMessage: Buffer): SplitUserData {
  const udhl = shortMessage[0];
  if (udhl === undefined || 1 + udhl > shortMessage.length) return { payload: shortMessage };
  const udh = shortMessage.subarray(0, 1 + udhl);
  const payload = shortMessage.subarray(1 + udhl);
  const concat = findConcat(udh);
  return concat ? { udh, concat, payload } : { udh, payload };
}

function findConcat(udh: Buffer): ConcatInfo | undefined {
  let offset = 1;
  while (offset + 2 <= udh.length) {
    const iei = udh[offset];
    const length = udh[offset + 1];
    const data = udh.subarray(offset + 2, offset + 2 + length);
    if (data.length !== length) return undefined;
    if (iei === IEI_CONCAT_8BIT && length === 3) {
      return {
        reference: data[0],
        total: data[1],
        sequence: data[2],
      };
    }
    if (iei === IEI_CONCAT_16BIT && length === 4) {
      return {
        reference: data.readUInt16BE(0),
        total: data[2],
        sequence: data[3],
      };
    }
    offset += 2 + length;
  }
  return undefined;
}

/** UDHL 06, IE 08 length 04, 16-bit reference, total, sequence (23.040 §9.2.3.24.8). */
export function buildConcatUdh16(reference: number, total: number, sequence: number): Buffer {
  if (!Number.isInteger(reference) || reference < 0 || reference > 0xffff) {
    throw new RangeError(`16-bit concatenation reference must be 0..65535, got ${reference}`);
  }
  checkNumbering(total, sequence);
  return Buffer.from([
    0x06,
    IEI_CONCAT_16BIT,
    0x04,
    reference >> 8,
    reference & 0xff,
    total,
    sequence,
  ]);
}

function checkNumbering(total: number, sequence: number): void {
  if (!Number.isInteger(total) || total < 1 || total > 0xff) {
    throw new RangeError(`concatenation total must be 1..255, got ${total}`);
  }
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > total) {
    throw new RangeError(`concatenation sequence must be 1..${total}, got ${sequence}`);
  }
}
