import { randomInt } from 'node:crypto';
import { EsmClass } from '../protocol/esm-class';
import { dataCodingOf, type Alphabet } from './alphabet';
import { maxReference, partCapacity, type Concatenation } from './concatenation';
import { encodeGsm7 } from './gsm7-codec';
import { encodeLatin1 } from './latin1-codec';
import { MAX_PARTS, planSegments } from './segment-planner';
import { detectEncoding } from './text-encoding';
import { encodeUcs2 } from './ucs2-codec';
import { buildConcatUdh, buildConcatUdh16 } from './user-data-header';

/** SAR TLVs of one part (SMPP 3.4 §5.3.2.22-24). */
export interface SarInfo {
  /** sar_msg_ref_num, 16 bits. */
  reference: number;
  total: number;
  /** 1-based. */
  sequence: number;
}

/** One submit_sm worth of message: the fields that differ between parts. */
export interface ShortMessagePart {
  /** Raw octets, UDH included for udh8/udh16; empty when messagePayload carries the text. */
  shortMessage: Buffer;
  /** 0x00, or UDHI 0x40 when short_message starts with the concatenation UDH. */
  esmClass: number;
  dataCoding: number;
  /** 1-based. */
  sequence: number;
  total: number;
  /** Septets, octets or UCS-2 units of this part's text. */
  units: number;
  text: string;
  /** With 'sar' concatenation, on every part of a split message. */
  sar?: SarInfo;
  /** With 'payload' concatenation, on the one part of a message longer than one SMS. */
  messagePayload?: Buffer;
}

export interface SplitMessage {
  encoding: Alphabet;
  dataCoding: number;
  concatenation: Concatenation;
  /**
   * Concatenation reference used (only meaningful when parts.length > 1; 0 for a single part
   * when the reference was given as a function, which is then not called).
   */
  reference: number;
  parts: ShortMessagePart[];
}

export interface SplitOptions {
  /** Force an alphabet; GSM-7 and Latin-1 throw for characters they cannot carry. */
  encoding?: Alphabet;
  /** How a long text travels (default udh8: the 8-bit concatenation UDH). */
  concatenation?: Concatenation;
  /**
   * Concatenation reference: 0..255 for udh8, 0..65535 for udh16 and sar. Handsets reassemble
   * by (sender, reference), so callers should rotate it per destination; drawn when omitted.
   * A function is called only when the text needs more than one part (a derived reference
   * costs a hash the single-part majority of messages does not need).
   */
  reference?: number | (() => number);
}

/** message_payload is a TLV: its length field is 16 bits (SMPP 3.4 §5.3.2.32). */
export const MAX_MESSAGE_PAYLOAD = 0xffff;

/** Thrown when a text needs more parts than concatenation can number (or overflows message_payload). */
export class MessageTooLongError extends Error {
  constructor(readonly parts: number) {
    super(
      Number.isFinite(parts)
        ? `message needs ${parts} parts; concatenation allows at most ${MAX_PARTS}`
        : `message is longer than the ${MAX_MESSAGE_PAYLOAD} octets message_payload can carry`,
    );
    this.name = 'MessageTooLongError';
  }
}

function encoderOf(alphabet: Alphabet): (text: string) => Buffer {
  switch (alphabet) {
    case 'gsm7':
      return encodeGsm7;
    case 'latin1':
      return encodeLatin1;
    case 'ucs2':
      return encodeUcs2;
  }
}

/**
 * Splits a text into submit_sm short messages. A text that fits one SMS goes alone; a longer one
 * becomes parts numbered by a concatenation UDH (esm_class UDHI, SMPP 3.4 §5.2.12; 8- or 16-bit
 * reference) or by SAR TLVs, or travels whole in message_payload.
 */
export function splitMessage(text: string, options: SplitOptions = {}): SplitMessage {
  const encoding = options.encoding ?? detectEncoding(text);
  const concatenation = options.concatenation ?? 'udh8';
  const dataCoding = dataCodingOf(encoding);
  const limit = maxReference(concatenation);
  const plan = planSegments(text, encoding, concatenation);
  const total = plan.segments.length;
  const given = options.reference;
  const reference =
    typeof given === 'function' ? (total > 1 ? given() : 0) : (given ?? randomInt(0, limit + 1));
  if (!Number.isInteger(reference) || reference < 0 || reference > limit) {
    throw new RangeError(`${concatenation} reference must be 0..${limit}, got ${reference}`);
  }
  if (total > MAX_PARTS) throw new MessageTooLongError(total);
  const encode = encoderOf(encoding);
  const base = { esmClass: EsmClass.DEFAULT, dataCoding, sequence: 1, total, text };

  if (total === 1) {
    const octets = encode(text);
    if (concatenation === 'payload' && plan.units > partCapacity(encoding, 'payload').single) {
      // Longer than one SMS: the whole text goes in message_payload, short_message stays empty.
      if (octets.length > MAX_MESSAGE_PAYLOAD) throw new MessageTooLongError(Infinity);
      const part = { ...base, shortMessage: Buffer.alloc(0), messagePayload: octets };
      return {
        encoding,
        dataCoding,
        concatenation,
        reference,
        parts: [{ ...part, units: plan.units }],
      };
    }
    return {
      encoding,
      dataCoding,
      concatenation,
      reference,
      parts: [{ ...base, shortMessage: octets, units: plan.units }],
    };
  }

  const parts = plan.segments.map((segment, i): ShortMessagePart => {
    const sequence = i + 1;
    const units = plan.segmentUnits[i];
    const common = { dataCoding, sequence, total, units, text: segment };
    switch (concatenation) {
      case 'udh8':
        return {
          ...common,
          esmClass: EsmClass.UDHI,
          shortMessage: Buffer.concat([
            buildConcatUdh(reference, total, sequence),
            encode(segment),
          ]),
        };
      case 'udh16':
        return {
          ...common,
          esmClass: EsmClass.UDHI,
          shortMessage: Buffer.concat([
            buildConcatUdh16(reference, total, sequence),
            encode(segment),
          ]),
        };
      // message_payload never splits (planSegments keeps the text whole): listed for the compiler.
      case 'sar':
      case 'payload':
        return {
          ...common,
          esmClass: EsmClass.DEFAULT,
          shortMessage: encode(segment),
          sar: { reference, total, sequence },
        };
    }
  });
  return { encoding, dataCoding, concatenation, reference, parts };
}
