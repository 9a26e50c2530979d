import { formatAbsoluteTime } from '../protocol/smpp-time';
import { stateFromStat, type ReceiptStat, type ReceiptState } from './receipt-state';

/**
 * The delivery receipt text of SMPP 3.4 Appendix B:
 *   id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E text:...
 * The appendix calls the format SMSC-specific; carriers vary case, field order, date length and
 * id base, so the parser is tolerant while the formatter writes the canonical form.
 */
export interface ReceiptTextFields {
  id: string;
  /** Short messages originally submitted (default 1). */
  sub?: number;
  /** Short messages delivered (default 1 when stat is DELIVRD, else 0). */
  dlvrd?: number;
  submitDate: Date;
  doneDate: Date;
  stat: ReceiptStat;
  /** Network-specific error code, 3 digits (default 0). */
  err?: number;
  /** The original message; only its first 20 characters are carried. */
  text?: string;
}

export interface ParsedReceiptText {
  id?: string;
  sub?: number;
  dlvrd?: number;
  submitDate?: Date;
  doneDate?: Date;
  /** The stat as sent (upper-cased). */
  stat?: string;
  state?: ReceiptState;
  err?: string;
  text?: string;
}

/** Receipt text times are YYMMDDhhmm; this project writes them in UTC. */
export function formatReceiptDate(date: Date): string {
  return formatAbsoluteTime(date).slice(0, 10);
}

export function formatReceiptText(fields: ReceiptTextFields): string {
  const three = (n: number): string => String(n).padStart(3, '0');
  const dlvrd = fields.dlvrd ?? (fields.stat === 'DELIVRD' ? 1 : 0);
  return (
    `id:${fields.id} sub:${three(fields.sub ?? 1)} dlvrd:${three(dlvrd)} ` +
    `submit date:${formatReceiptDate(fields.submitDate)} done date:${formatReceiptDate(fields.doneDate)} ` +
    `stat:${fields.stat} err:${three(fields.err ?? 0)} text:${Array.from(fields.text ?? '')
      .slice(0, 20)
      .join('')}`
  );
}

/** Keys before "text:", case-insensitive; "submit date" also appears as submit_date/submitdate. */
const FIELD_PATTERNS = {
  id: /(?:^|\s)id:\s*(\S+)/i,
  sub: /(?:^|\s)sub:\s*(\d+)/i,
  dlvrd: /(?:^|\s)dlvrd:\s*(\d+)/i,
  submitDate: /(?:^|\s)submit[ _]?date:\s*(\d{10,12})/i,
  doneDate: /(?:^|\s)done[ _]?date:\s*(\d{10,12})/i,
  stat: /(?:^|\s)stat:\s*(\S+)/i,
  err: /(?:^|\s)err:\s*(\S+)/i,
} as const;

const TEXT_FIELD = /(?:^|\s)text:/i;

/**
 * The head exactly as formatReceiptText (and most SMSCs) write it: one match instead of one per
 * field. On such a head every field pattern above finds exactly these values; any other
 * spelling takes the field-by-field path.
 */
const CANONICAL_HEAD =
  /^id:(\S+) sub:(\d+) dlvrd:(\d+) submit date:(\d{10,12}) done date:(\d{10,12}) stat:(\S+) err:(\S+)$/;

type HeadFields = Record<keyof typeof FIELD_PATTERNS, string | undefined>;

function headFields(head: string): HeadFields {
  const canonical = CANONICAL_HEAD.exec(head);
  if (canonical) {
    const [, id, sub, dlvrd, submitDate, doneDate, stat, err] = canonical;
    return { id, sub, dlvrd, submitDate, doneDate, stat, err };
  }
  const field = (pattern: RegExp): string | undefined => pattern.exec(head)?.[1];
  return {
    id: field(FIELD_PATTERNS.id),
    sub: field(FIELD_PATTERNS.sub),
    dlvrd: field(FIELD_PATTERNS.dlvrd),
    submitDate: field(FIELD_PATTERNS.submitDate),
    doneDate: field(FIELD_PATTERNS.doneDate),
    stat: field(FIELD_PATTERNS.stat),
    err: field(FIELD_PATTERNS.err),
  };
}

/**
 * Parses receipt text. Returns undefined when the text has neither an id nor a stat
 * (i.e. it is not a receipt); any other missing field is left undefined.
 */
export function parseReceiptText(raw: string): ParsedReceiptText | undefined {
  const textMatch = TEXT_FIELD.exec(raw);
  // Everything after "text:" is message content and may itself contain "id:" or "stat:".
  const head = textMatch ? raw.slice(0, textMatch.index) : raw;
  const text = textMatch ? raw.slice(textMatch.index + textMatch[0].length) : undefined;

  const fields = headFields(head);
  const id = fields.id;
  const stat = fields.stat?.toUpperCase();
  if (id === undefined && stat === undefined) return undefined;

  const result: ParsedReceiptText = {};
  if (id !== undefined) result.id = id;
  const sub = toInt(fields.sub);
  if (sub !== undefined) result.sub = sub;
  const dlvrd = toInt(fields.dlvrd);
  if (dlvrd !== undefined) result.dlvrd = dlvrd;
  const submitDate = parseReceiptDate(fields.submitDate);
  if (submitDate) result.submitDate = submitDate;
  const doneDate = parseReceiptDate(fields.doneDate);
  if (doneDate) result.doneDate = doneDate;
  if (stat !== undefined) {
    result.stat = stat;
    result.state = stateFromStat(stat);
  }
  const err = fields.err;
  if (err !== undefined) result.err = err;
  if (text !== undefined) result.text = text;
  return result;
}

/** YYMMDDhhmm[ss] read as UTC in the 2000s; undefined when absent or not a real date. */
export function parseReceiptDate(value: string | undefined): Date | undefined {
  if (value === undefined || (value.length !== 10 && value.length !== 12)) return undefined;
  // Two digits at a time (a regex and an array per date cost more than the rest of a receipt).
  const pair = (at: number): number => {
    const tens = value.charCodeAt(at) - 48;
    const units = value.charCodeAt(at + 1) - 48;
    return tens >= 0 && tens <= 9 && units >= 0 && units <= 9 ? tens * 10 + units : -1;
  };
  const yy = pair(0);
  const mm = pair(2);
  const dd = pair(4);
  const hh = pair(6);
  const mi = pair(8);
  const ss = value.length === 12 ? pair(10) : 0;
  if (yy < 0 || mm < 0 || dd < 0 || hh < 0 || mi < 0 || ss < 0) return undefined;
  const date = new Date(Date.UTC(2000 + yy, mm - 1, dd, hh, mi, ss));
  const roundTrips =
    date.getUTCMonth() === mm - 1 &&
    date.getUTCDate() === dd &&
    date.getUTCHours() === hh &&
    date.getUTCMinutes() === mi;
  return roundTrips ? date : undefined;
}

function toInt(value: string | undefined): number | undefined {
  return value === undefined ? undefined : Number.parseInt(value, 10);
}
