import type { Alphabet } from './alphabet';

/**
 * How a text longer than one SMS travels (per carrier):
 *  - udh8:    each part starts with a concatenation UDH, 8-bit reference (23.040 §9.2.3.24.1);
 *  - udh16:   the same with a 16-bit reference (§9.2.3.24.8): one octet more per part;
 *  - sar:     parts without UDH, numbered by the sar_* TLVs (SMPP 3.4 §5.3.2.22-24); the SMSC
 *             builds the UDH, so a part is sized for the larger (16-bit) header it may choose;
 *  - payload: one submit_sm with the whole text in message_payload (§5.3.2.32); the SMSC splits.
 */
export type Concatenation = 'udh8' | 'udh16' | 'sar' | 'payload';

export const CONCATENATIONS: readonly Concatenation[] = ['udh8', 'udh16', 'sar', 'payload'];

export interface PartCapacity {
  /** Units (septets, octets or UTF-16 units) one unsplit message holds. */
  single: number;
  /** Units per part of a split message; Infinity for message_payload (never split here). */
  multipart: number;
}

/**
 * 140 octets of user data per SMS (3GPP TS 23.040 §9.2.3.16). A 6-octet UDH (8-bit reference)
 * leaves 134 octets: 153 septets (after the fill bit), 134 Latin-1 octets or 67 UCS-2 units; a
 * 7-octet one (16-bit reference) leaves 133 octets: 152 septets, 133 octets, 66 units.
 */
const CAPACITY: Readonly<Record<Alphabet, { single: number; udh8: number; udh16: number }>> = {
  gsm7: { single: 160, udh8: 153, udh16: 152 },
  latin1: { single: 140, udh8: 134, udh16: 133 },
  ucs2: { single: 70, udh8: 67, udh16: 66 },
};

export function partCapacity(alphabet: Alphabet, concatenation: Concatenation): PartCapacity {
  const capacity = CAPACITY[alphabet];
  switch (concatenation) {
    case 'udh8':
      return { single: capacity.single, multipart: capacity.udh8 };
    case 'udh16':
    case 'sar':
      return { single: capacity.single, multipart: capacity.udh16 };
    case 'payload':
      return { single: capacity.single, multipart: Number.POSITIVE_INFINITY };
  }
}

/** The largest concatenation reference each method can carry. */
export function maxReference(concatenation: Concatenation): number {
  return concatenation === 'udh8' ? 0xff : 0xffff;
}
