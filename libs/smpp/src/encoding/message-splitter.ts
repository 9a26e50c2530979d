import { randomInt } from 'node:crypto';
import { EsmClass } from '../protocol/esm-class';
import { encodeGsm7 } from './gsm7-codec';
import { MAX_PARTS, planSegments } from './segment-planner';
import { dataCodingFor, detectEncoding, type TextEncoding } from './text-encoding';
import { encodeUcs2 } from './ucs2-codec';
import { buildConcatUdh } from './user-data-header';

/** One submit_sm worth of message: the fields that differ between parts. */
export interface ShortMessagePart {
  shortMessage: Buffer;
  /** 0x00, or UDHI 0x40 when short_message starts with the concatenation UDH. */
  esmClass: number;
  dataCoding: number;
  /** 1-based. */
  sequence: number;
  total: number;
  /** Septets or UCS-2 units of this part's text. */
  units: number;
  text: string;
}

export interface SplitMessage {
  encoding: TextEncoding;
  dataCoding: number;
  /** 8-bit concatenation reference used (only meaningful when parts.length > 1). */
  reference: number;
  parts: ShortMessagePart[];
}

export interface SplitOptions {
  /** Force an encoding; GSM-7 throws Gsm7EncodingError for characters it cannot carry. */
  encoding?: TextEncoding;
  /**
   * Concatenation reference 0..255. Handsets reassemble by (sender, reference), so callers
   * should rotate it per destination; a random one is drawn when omitted.
   */
  reference?: number;
}

/** Thrown when a text needs more parts than the 8-bit concatenation IE can number. */
export class MessageTooLongError extends Error {
  constructor(readonly parts: number) {
    super(`message needs ${parts} parts; the concatenation header allows at most ${MAX_PARTS}`);
    this.name = 'MessageTooLongError';
  }
}

/**
 * Splits a text into short_message buffers: a single part carries the text alone; a longer
 * text becomes parts each prefixed by the concatenation UDH (23.040 §9.2.3.24.1) with
 * esm_class UDHI set (SMPP 3.4 §5.2.12).
 */
export function splitMessage(text: string, options: SplitOptions = {}): SplitMessage {
  const encoding = options.encoding ?? detectEncoding(text);
  const dataCoding = dataCodingFor(encoding);
  const reference = options.reference ?? randomInt(0, 256);
  const plan = planSegments(text, encoding);
  const total = plan.segments.length;
  if (total > MAX_PARTS) throw new MessageTooLongError(total);
  const encode = encoding === 'gsm7' ? encodeGsm7 : encodeUcs2;

  if (total === 1) {
    return {
      encoding,
      dataCoding,
      reference,
      parts: [
        {
          shortMessage: encode(text),
          esmClass: EsmClass.DEFAULT,
          dataCoding,
          sequence: 1,
          total,
          units: plan.units,
          text,
        },
      ],
    };
  }

  const parts = plan.segments.map((segment, i): ShortMessagePart => ({
    shortMessage: Buffer.concat([buildConcatUdh(reference, total, i + 1), encode(segment)]),
    esmClass: EsmClass.UDHI,
    dataCoding,
    sequence: i + 1,
    total,
    units: plan.segmentUnits[i],
    text: segment,
  }));
  return { encoding, dataCoding, reference, parts };
}
