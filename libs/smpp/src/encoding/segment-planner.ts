import { gsm7SeptetCost } from './gsm7-alphabet';
import { Gsm7EncodingError } from './gsm7-codec';
import type { TextEncoding } from './text-encoding';

/**
 * Capacity of one SMS in the encoding's units (3GPP TS 23.040 §9.2.3.16, §9.2.3.24.1):
 * 140 octets of user data; 6 of them go to the concatenation UDH (UDHL + IE 0x00 of 3 octets)
 * in a multipart message, leaving 134 octets = 153 septets (after fill bits) or 67 UCS-2 units.
 */
export const SEGMENT_LIMITS: Readonly<Record<TextEncoding, { single: number; multipart: number }>> =
  {
    gsm7: { single: 160, multipart: 153 },
    ucs2: { single: 70, multipart: 67 },
  };

/** The 8-bit concatenation IE numbers parts in one octet. */
export const MAX_PARTS = 255;

export interface SegmentPlan {
  encoding: TextEncoding;
  /** Septets (GSM-7, extension characters count 2) or UTF-16 code units (UCS-2) in total. */
  units: number;
  /** The text of each part, in order. */
  segments: string[];
  /** Units in each part. */
  segmentUnits: number[];
}

/**
 * Cuts a text into parts the way the splitter sends them. Splits only between characters
 * (code points), so a GSM escape pair or a UTF-16 surrogate pair never straddles two parts.
 */
export function planSegments(text: string, encoding: TextEncoding): SegmentPlan {
  const costs: Array<{ char: string; cost: number }> = [];
  let units = 0;
  let index = 0;
  for (const char of text) {
    const cost = encoding === 'gsm7' ? gsm7SeptetCost(char) : char.length;
    if (cost === undefined) throw new Gsm7EncodingError(char, index);
    costs.push({ char, cost });
    units += cost;
    index += char.length;
  }

  const limits = SEGMENT_LIMITS[encoding];
  if (units <= limits.single) {
    return { encoding, units, segments: [text], segmentUnits: [units] };
  }

  const segments: string[] = [];
  const segmentUnits: number[] = [];
  let current = '';
  let currentUnits = 0;
  for (const { char, cost } of costs) {
    if (currentUnits + cost > limits.multipart) {
      segments.push(current);
      segmentUnits.push(currentUnits);
      current = '';
      currentUnits = 0;
    }
    current += char;
    currentUnits += cost;
  }
  segments.push(current);
  segmentUnits.push(currentUnits);
  return { encoding, units, segments, segmentUnits };
}
