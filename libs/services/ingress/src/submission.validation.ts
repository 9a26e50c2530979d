import {
  DEFAULT_PRIORITY_CLASS,
  PRIORITY_CLASSES,
  type PriorityClass,
  WEBHOOK_URL_MAX_LENGTH,
  WEBHOOK_URL_RULE,
  isWebhookUrl,
} from '@tuxhat/contracts';
import { describeFieldErrors } from '@tuxhat/http-problem';
import { SEGMENT_LIMITS, analyseText, gsm7SeptetCost } from '@tuxhat/smpp';
import { z } from 'zod';

import { validE164 } from './e164';
import { type FieldError, ProblemError } from './problem';

/** A validated submission, with the encoding and part count the SMPP connector will use. */
export interface MessageSubmission {
  /** E.164, normalised (`+382 67 123 456` -> `+38267123456`). */
  readonly to: string;
  readonly from: string;
  readonly text: string;
  readonly clientReference: string | undefined;
  readonly priority: PriorityClass;
  /** RFC 3339 in UTC; from `validUntil` or `validityPeriod`. */
  readonly validUntil: string | undefined;
  /** RFC 3339 in UTC. */
  readonly scheduledAt: string | undefined;
  readonly callbackUrl: string | undefined;
  readonly metadata: Readonly<Record<string, string>> | undefined;
  readonly encoding: 'gsm7' | 'ucs2';
  readonly parts: number;
}

/** The bounds the API enforces; part of the documented contract (openapi.yaml, README). */
export const SUBMISSION_LIMITS = {
  maxSenderSeptets: 11,
  maxSenderDigits: 15,
  maxClientReference: 128,
  minValiditySeconds: 60,
  maxValiditySeconds: 72 * 3600,
  maxScheduleAheadSeconds: 30 * 24 * 3600,
  maxCallbackUrl: WEBHOOK_URL_MAX_LENGTH,
  maxMetadataEntries: 16,
  maxMetadataKey: 64,
  maxMetadataValue: 256,
} as const;

/** Field error codes tenants can switch on; wire contract like the problem codes. */
export const FIELD_ERROR_CODES = [
  'field_required',
  'unknown_field',
  'body_not_object',
  'field_invalid',
  'to_invalid',
  'from_invalid',
  'text_invalid',
  'text_empty',
  'text_too_long',
  'client_reference_invalid',
  'priority_invalid',
  'validity_period_invalid',
  'valid_until_invalid',
  'validity_conflict',
  'scheduled_at_invalid',
  'callback_url_invalid',
  'metadata_invalid',
  'batch_empty',
  'idempotency_key_invalid',
  'cursor_invalid',
  'limit_invalid',
  'status_invalid',
  'since_invalid',
  'until_invalid',
  'month_invalid',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/**
 * International format with the usual separators only (spaces, not line breaks). libphonenumber
 * would also pick a number out of surrounding text, "+38267123456 call me", which is not what a
 * tenant meant to send.
 */
const PHONE_NUMBER_TEXT = /^ *\+[\d ().-]+$/;
/** A number (international with +, at most 15 digits as E.164 allows) or a short code. */
const NUMERIC_SENDER = /^(\+[1-9]\d{0,14}|\d{1,15})$/;
/** Characters GSM-7 has but a sender id must not contain (line breaks, escape, form feed). */
// eslint-disable-next-line no-control-regex -- control characters are what this looks for
const SENDER_CONTROL = /[\n\r\f\x1b]/;
const METADATA_KEY = /^[A-Za-z0-9_.:-]+$/;
/**
 * What text must not contain: U+0000 (PostgreSQL text cannot hold it) and a lone UTF-16
 * surrogate (JSON allows "\ud800"; it is no character and would be stored as U+FFFD). Refused up
 * front with a field error, never a 500 or a silent change.
 */
// eslint-disable-next-line no-control-regex -- NUL is what this looks for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text that can be stored and sent as is: well-formed UTF-16 (no lone surrogate), no NUL. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

/** `+382 67 123 456` -> `+38267123456`, or null when it is not a valid number. */
export function normaliseE164(value: string): string | null {
  // Only international format: without the +, the number's country would be a guess.
  if (value.length > 64 || !PHONE_NUMBER_TEXT.test(value)) return null;
  // The full ("max") metadata: validity by the numbering plan, not only by length. Not
  // cached: traffic goes to many distinct numbers, and the check costs ~1 us (e164.ts).
  return validE164(value);
}

/** An alphanumeric sender id (GSM-7, at most 11 septets) or a number / short code. */
export function isValidSender(value: string): boolean {
  if (NUMERIC_SENDER.test(value)) return true;
  if (value.length === 0 || value.trim() !== value || SENDER_CONTROL.test(value)) return false;
  // A digits-only id longer than a number is neither a number nor alphanumeric.
  if (/^\+?\d+$/.test(value)) return false;
  let septets = 0;
  for (const char of value) {
    const cost = gsm7SeptetCost(char);
    if (cost === undefined) return false;
    septets += cost;
  }
  return septets <= SUBMISSION_LIMITS.maxSenderSeptets;
}

const RFC3339 = z.iso.datetime({ offset: true });
const SUBMISSION_FIELDS = new Set([
  'to',
  'from',
  'text',
  'clientReference',
  'priority',
  'validityPeriod',
  'validUntil',
  'scheduledAt',
  'callbackUrl',
  'metadata',
]);

/** RFC 3339 with an explicit offset (`Z` or `+02:00`) as epoch milliseconds, or NaN. */
function parseTimestamp(value: string): number {
  return RFC3339.safeParse(value).success ? Date.parse(value) : Number.NaN;
}

/** The rule of every callback URL (the admin API's DLR paths too): https, or http to localhost. */
function isCallbackUrl(value: string): boolean {
  return (
    value.length <= SUBMISSION_LIMITS.maxCallbackUrl && isStorableText(value) && isWebhookUrl(value)
  );
}

/**
 * Reads a submission field by field, by hand: this runs for every message (1,000 per batch),
 * and a schema library's object machinery cost more here than the checks themselves. Errors
 * accumulate, so every problem of a request is reported at once; codes and messages are the
 * API's contract.
 */
class SubmissionReader {
  readonly errors: FieldError[] = [];

  constructor(private readonly input: Readonly<Record<string, unknown>>) {}

  report(field: string, code: FieldErrorCode, message: string): undefined {
    this.errors.push({ field, code, message });
    return undefined;
  }

  /** A string field: undefined when absent (reported if required) or of another type. */
  string(field: string, code: FieldErrorCode, required: boolean): string | undefined {
    const value = this.input[field];
    if (value === undefined) {
      return required ? this.report(field, 'field_required', 'is required') : undefined;
    }
    return typeof value === 'string' ? value : this.report(field, code, 'must be a string');
  }

  unknownFields(): void {
    for (const key of Object.keys(this.input)) {
      if (!SUBMISSION_FIELDS.has(key)) {
        this.report(key, 'unknown_field', 'is not a field of this request');
      }
    }
  }
}

interface ReadSubmission {
  readonly to: string;
  readonly from: string;
  readonly text: { text: string; encoding: 'gsm7' | 'ucs2'; parts: number };
  readonly clientReference: string | undefined;
  readonly priority: PriorityClass;
  readonly validityPeriod: number | undefined;
  readonly validUntil: number | undefined;
  readonly scheduledAt: number | undefined;
  readonly callbackUrl: string | undefined;
  readonly metadata: Record<string, string> | undefined;
}

function readSubmission(
  input: Readonly<Record<string, unknown>>,
  maxParts: number,
): { readonly value?: ReadSubmission; readonly errors: readonly FieldError[] } {
  const limits = SUBMISSION_LIMITS;
  const read = new SubmissionReader(input);

  const rawTo = read.string('to', 'to_invalid', true);
  const to =
    rawTo === undefined
      ? undefined
      : (normaliseE164(rawTo) ??
        read.report(
          'to',
          'to_invalid',
          'must be a valid phone number in E.164 format, e.g. +38267123456',
        ));

  const rawFrom = read.string('from', 'from_invalid', true);
  const from =
    rawFrom === undefined || isValidSender(rawFrom)
      ? rawFrom
      : read.report(
          'from',
          'from_invalid',
          `must be an alphanumeric sender id of at most ${limits.maxSenderSeptets} GSM-7 characters, or a number or short code of at most ${limits.maxSenderDigits} digits`,
        );

  const rawText = read.string('text', 'text_invalid', true);
  const text = rawText === undefined ? undefined : readText(read, rawText, maxParts);

  const rawReference = read.string('clientReference', 'client_reference_invalid', false);
  const clientReference =
    rawReference === undefined ||
    (rawReference.length >= 1 &&
      rawReference.length <= limits.maxClientReference &&
      isStorableText(rawReference))
      ? rawReference
      : read.report(
          'clientReference',
          'client_reference_invalid',
          `must be 1 to ${limits.maxClientReference} characters of text`,
        );

  const rawPriority = read.string('priority', 'priority_invalid', false);
  const priority =
    rawPriority === undefined || (PRIORITY_CLASSES as readonly string[]).includes(rawPriority)
      ? ((rawPriority ?? DEFAULT_PRIORITY_CLASS) as PriorityClass)
      : read.report(
          'priority',
          'priority_invalid',
          `must be one of ${PRIORITY_CLASSES.join(', ')}`,
        );

  const rawPeriod = input.validityPeriod;
  const validityPeriod =
    rawPeriod === undefined ||
    (typeof rawPeriod === 'number' &&
      Number.isInteger(rawPeriod) &&
      rawPeriod >= limits.minValiditySeconds &&
      rawPeriod <= limits.maxValiditySeconds)
      ? rawPeriod
      : read.report(
          'validityPeriod',
          'validity_period_invalid',
          `must be a whole number of seconds from ${limits.minValiditySeconds} to ${limits.maxValiditySeconds}`,
        );

  const time = (field: 'validUntil' | 'scheduledAt', code: FieldErrorCode) => {
    const raw = read.string(field, code, false);
    if (raw === undefined) return undefined;
    const ms = parseTimestamp(raw);
    return Number.isFinite(ms)
      ? ms
      : read.report(field, code, 'must be an RFC 3339 time with offset, e.g. 2026-11-26T09:30:00Z');
  };
  const validUntil = time('validUntil', 'valid_until_invalid');
  const scheduledAt = time('scheduledAt', 'scheduled_at_invalid');

  const rawUrl = read.string('callbackUrl', 'callback_url_invalid', false);
  const callbackUrl =
    rawUrl === undefined || isCallbackUrl(rawUrl)
      ? rawUrl
      : read.report(
          'callbackUrl',
          'callback_url_invalid',
          `${WEBHOOK_URL_RULE}, of at most ${limits.maxCallbackUrl} characters`,
        );

  const metadata = input.metadata === undefined ? undefined : readMetadata(read, input.metadata);

  read.unknownFields();
  if (read.errors.length > 0 || to === undefined || from === undefined || text === undefined) {
    return { errors: read.errors };
  }
  return {
    errors: [],
    value: {
      to,
      from,
      text,
      clientReference,
      priority: priority ?? DEFAULT_PRIORITY_CLASS,
      validityPeriod,
      validUntil,
      scheduledAt,
      callbackUrl,
      metadata,
    },
  };
}

function readText(
  read: SubmissionReader,
  value: string,
  maxParts: number,
): ReadSubmission['text'] | undefined {
  if (value.length === 0) return read.report('text', 'text_empty', 'must not be empty');
  if (!isStorableText(value)) {
    return read.report('text', 'text_invalid', 'must be valid Unicode text without NUL characters');
  }
  // No text longer than this many UTF-16 units can fit: GSM-7 needs a septet per character
  // and more, UCS-2 a unit per unit. Checked first so a huge string is not analysed.
  const maxUnits =
    maxParts === 1 ? SEGMENT_LIMITS.gsm7.single : maxParts * SEGMENT_LIMITS.gsm7.multipart;
  if (value.length > maxUnits) {
    return read.report('text', 'text_too_long', `is longer than ${maxParts} SMS parts can carry`);
  }
  const analysis = analyseText(value);
  return analysis.parts > maxParts
    ? read.report(
        'text',
        'text_too_long',
        `needs ${analysis.parts} SMS parts (${analysis.encoding}); at most ${maxParts} are allowed`,
      )
    : { text: value, encoding: analysis.encoding, parts: analysis.parts };
}

function readMetadata(read: SubmissionReader, value: unknown): Record<string, string> | undefined {
  const limits = SUBMISSION_LIMITS;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return read.report('metadata', 'metadata_invalid', 'must be an object of strings');
  }
  const entries = Object.entries(value);
  if (entries.length > limits.maxMetadataEntries) {
    return read.report(
      'metadata',
      'metadata_invalid',
      `must have at most ${limits.maxMetadataEntries} entries`,
    );
  }
  let valid = true;
  for (const [key, item] of entries) {
    const problem =
      key.length === 0 || key.length > limits.maxMetadataKey || !METADATA_KEY.test(key)
        ? `keys must be 1 to ${limits.maxMetadataKey} of letters, digits and _.:-`
        : typeof item !== 'string' || item.length > limits.maxMetadataValue || !isStorableText(item)
          ? `values must be text of at most ${limits.maxMetadataValue} characters`
          : null;
    if (problem !== null) {
      valid = false;
      read.report(`metadata.${key}`, 'metadata_invalid', problem);
    }
  }
  return valid ? (value as Record<string, string>) : undefined;
}

export interface SubmissionContext {
  readonly maxParts: number;
  /** The time the request arrived; schedules and validity are checked against it. */
  readonly now: Date;
}

/** Either the valid submission, or every field error at once. */
export type SubmissionResult =
  | { readonly ok: true; readonly submission: MessageSubmission }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * Validates one submission (a REST body, a batch item or a gRPC request) and reports every
 * problem at once, each with a stable code and its field path, so a client can fix them in one
 * go. Time windows (schedule, validity) are checked once the fields themselves are well-formed.
 */
export function validateSubmission(input: unknown, context: SubmissionContext): SubmissionResult {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return {
      ok: false,
      errors: [{ field: 'body', code: 'body_not_object', message: 'must be a JSON object' }],
    };
  }
  const result = readSubmission(input as Record<string, unknown>, context.maxParts);
  if (!result.value) return { ok: false, errors: printableErrors(result.errors) };
  const data = result.value;
  const errors: FieldError[] = [];
  const now = context.now.getTime();
  const limits = SUBMISSION_LIMITS;

  if (data.scheduledAt !== undefined) {
    if (data.scheduledAt <= now || data.scheduledAt > now + limits.maxScheduleAheadSeconds * 1000) {
      errors.push({
        field: 'scheduledAt',
        code: 'scheduled_at_invalid',
        message: `must lie in the future, at most ${limits.maxScheduleAheadSeconds / 86_400} days ahead`,
      });
    }
  }
  // Validity counts from when the message may first be sent.
  const start = data.scheduledAt ?? now;
  let validUntil: number | undefined;
  if (data.validUntil !== undefined && data.validityPeriod !== undefined) {
    errors.push({
      field: 'validUntil',
      code: 'validity_conflict',
      message: 'give validUntil or validityPeriod, not both',
    });
  } else if (data.validityPeriod !== undefined) {
    validUntil = start + data.validityPeriod * 1000;
  } else if (data.validUntil !== undefined) {
    const seconds = (data.validUntil - start) / 1000;
    if (seconds < limits.minValiditySeconds || seconds > limits.maxValiditySeconds) {
      errors.push({
        field: 'validUntil',
        code: 'valid_until_invalid',
        message: `must lie ${limits.minValiditySeconds} s to ${limits.maxValiditySeconds / 3600} h after the send time (now, or scheduledAt)`,
      });
    } else {
      validUntil = data.validUntil;
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  return {
    ok: true,
    submission: {
      to: data.to,
      from: data.from,
      text: data.text.text,
      encoding: data.text.encoding,
      parts: data.text.parts,
      clientReference: data.clientReference,
      priority: data.priority,
      validUntil: validUntil === undefined ? undefined : new Date(validUntil).toISOString(),
      scheduledAt:
        data.scheduledAt === undefined ? undefined : new Date(data.scheduledAt).toISOString(),
      callbackUrl: data.callbackUrl,
      metadata: data.metadata,
    },
  };
}

/** Validates one submission or throws `validation_failed` listing every field error. */
export function parseSubmission(input: unknown, context: SubmissionContext): MessageSubmission {
  const result = validateSubmission(input, context);
  if (!result.ok) throw validationFailed(result.errors);
  return result.submission;
}

export function validationFailed(errors: readonly FieldError[]): ProblemError {
  const printable = printableErrors(errors);
  return new ProblemError('validation_failed', describeFieldErrors(printable), printable);
}

const MAX_FIELD_PATH = 160;

/**
 * A field path names what the client sent, and a client may send any key (`metadata` keys,
 * unknown fields): characters outside printable ASCII are shown as `\uXXXX`, and the path is
 * cut short. So an answer never carries a NUL or a lone surrogate back (nor into a stored
 * idempotent answer, which PostgreSQL's jsonb would refuse).
 */
export function printableField(field: string): string {
  const escaped = field.replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > MAX_FIELD_PATH ? `${escaped.slice(0, MAX_FIELD_PATH)}...` : escaped;
}

function printableErrors(errors: readonly FieldError[]): FieldError[] {
  return errors.map((error) => ({ ...error, field: printableField(error.field) }));
}

/** The most items one batch may carry. */
export const MAX_BATCH_ITEMS = 1_000;

/**
 * The batch envelope `{ messages: [...] }`; the items are validated one by one by the caller, so
 * one bad item never fails the others.
 */
export function parseBatchEnvelope(input: unknown): readonly unknown[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw validationFailed([
      { field: 'body', code: 'body_not_object', message: 'must be a JSON object' },
    ]);
  }
  const errors: FieldError[] = Object.keys(input)
    .filter((key) => key !== 'messages')
    .map((key) => ({
      field: key,
      code: 'unknown_field',
      message: 'is not a field of this request',
    }));
  const messages = (input as { messages?: unknown }).messages;
  if (messages === undefined) {
    errors.push({ field: 'messages', code: 'field_required', message: 'is required' });
  } else if (!Array.isArray(messages)) {
    errors.push({ field: 'messages', code: 'field_invalid', message: 'must be an array' });
  } else if (messages.length === 0) {
    errors.push({
      field: 'messages',
      code: 'batch_empty',
      message: 'must hold at least one message',
    });
  } else if (messages.length > MAX_BATCH_ITEMS) {
    throw new ProblemError(
      'batch_too_large',
      `a batch holds at most ${MAX_BATCH_ITEMS} messages; this one has ${messages.length}`,
    );
  }
  if (errors.length > 0) throw validationFailed(errors);
  return messages as unknown[];
}
