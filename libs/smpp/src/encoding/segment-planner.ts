import { gsm7SeptetCost } from './gsm7-alphabet';
import { Gsm7EncodingError } from './gsm7-codec';
import type { Alphabet } from './alphabet';
import { partCapacity, type Concatenation } from './concatenation';
import { Latin1EncodingError } from './latin1-codec';
import type { TextEncoding } from './text-encoding';

/**
 * Capacity of one SMS in the encoding's units with the 8-bit concatenation UDH (what ingress
 * bills by): 160/153 septets, 70/67 UCS-2 units. See partCapacity() for every alphabet and
 * concatenation method.
 */
export const SEGMENT_LIMITS: Readonly<Record<TextEncoding, { single: number; multipart: number }>> =
  {
    gsm7: partCapacity('gsm7', 'udh8'),
    ucs2: partCapacity('ucs2', 'udh8'),
  };

/** The concatenation IEs and the SAR TLVs number parts in one octet. */
export const MAX_PARTS = 255;

export interface SegmentPlan {
  encoding: Alphabet;
  /** Septets (GSM-7, extension characters count 2), octets (Latin-1) or UTF-16 units (UCS-2). */
  units: number;
  /** The text of each part, in order. */
  segments: string[];
  /** Units in each part. */
  segmentUnits: number[];
}

/** What one character costs in the alphabet's units; throws when the alphabet cannot carry it. */
function costOf(char: string, alphabet: Alphabet, index: number): number {
  switch (alphabet) {
    case 'gsm7': {
      const cost = gsm7SeptetCost(char);
      if (cost === undefined) throw new Gsm7EncodingError(char, index);
      return cost;
    }
    case 'latin1':
      if (char.charCodeAt(0) > 0xff) throw new Latin1EncodingError(char, index);
      return 1;
    case 'ucs2':
      return char.length;
  }
}

/**
 * Cuts a text into parts the way the splitter sends them. Splits only between characters
 * (code points), so a GSM escape pair or a UTF-16 surrogate pair never straddles two parts.
 * With message_payload the text is never cut.
 */
export function planSegments(
  text: string,
  encoding: Alphabet,
  concatenation: Concatenation = 'udh8',
): SegmentPlan {
  const costs: Array<{ char: string; cost: number }> = [];
  let units = 0;
  let index = 0;
  for (const char of text) {
    const cost = costOf(char, encoding, index);
    costs.push({ char, cost });
    units += cost;
    index += char.length;
  }
  const limits = partCapacity(encoding, concatenation);
  if (units <= limits.single || limits.multipart === Number.POSITIVE_INFINITY) {
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
