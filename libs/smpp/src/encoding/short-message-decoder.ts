import { DataCoding } from '../protocol/data-coding';
import { hasUdh } from '../protocol/esm-class';
import { decodeGsm7 } from './gsm7-codec';
import { decodeUcs2 } from './ucs2-codec';
import { splitUserData, type ConcatInfo } from './user-data-header';

export interface DecodedShortMessage {
  /** Decoded text; undefined for binary or unsupported data_coding. */
  text: string | undefined;
  udh?: Buffer;
  concat?: ConcatInfo;
  /** The user data after the UDH. */
  payload: Buffer;
}

/** Decodes a short_message (or message_payload) by esm_class and data_coding (SMPP 3.4 §5.2.12, §5.2.19). */
export function decodeShortMessage(
  shortMessage: Buffer,
  dataCoding: number,
  esmClass: number,
): DecodedShortMessage {
  const split = hasUdh(esmClass) ? splitUserData(shortMessage) : { payload: shortMessage };
  return { ...split, text: decodeText(split.payload, dataCoding) };
}

/** Text of a payload by data_coding; undefined for binary and unsupported alphabets. */
export function decodeText(payload: Buffer, dataCoding: number): string | undefined {
  switch (dataCoding) {
    case DataCoding.SMSC_DEFAULT:
      return decodeGsm7(payload);
    case DataCoding.IA5:
      return payload.toString('ascii');
    case DataCoding.LATIN1:
      return payload.toString('latin1');
    case DataCoding.UCS2:
      return decodeUcs2(payload);
    default:
      return undefined;
  }
}

/** The SAR TLVs of a submit_sm or deliver_sm (SMPP 3.4 §5.3.2.22-24), when all three are present and consistent. */
export function sarConcatOf(fields: {
  readonly sarMsgRefNum?: number;
  readonly sarTotalSegments?: number;
  readonly sarSegmentSeqnum?: number;
}): ConcatInfo | undefined {
  const { sarMsgRefNum, sarTotalSegments, sarSegmentSeqnum } = fields;
  if (
    sarMsgRefNum === undefined ||
    sarTotalSegments === undefined ||
    sarSegmentSeqnum === undefined
  )
    return undefined;
  if (sarTotalSegments < 1 || sarSegmentSeqnum < 1 || sarSegmentSeqnum > sarTotalSegments)
    return undefined;
  return { reference: sarMsgRefNum, total: sarTotalSegments, sequence: sarSegmentSeqnum };
}
