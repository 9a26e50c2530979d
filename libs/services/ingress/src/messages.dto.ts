import type { MessageStatus } from '@tuxhat/contracts';
import { analyseText } from '@tuxhat/smpp';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';

import { type FieldError, ProblemError } from './problem';

/** A validated submission, with the encoding and part count the SMPP connector will use. */
export interface SubmitMessageRequest {
  /** E.164, normalised (`+382 67 123 456` -> `+38267123456`). */
  readonly to: string;
  readonly from: string;
  readonly text: string;
  readonly clientReference: string | undefined;
  readonly encoding: 'gsm7' | 'ucs2';
  readonly parts: number;
}

export interface SubmitMessageResponse {
  readonly id: string;
  readonly status: 'accepted';
  readonly encoding: 'gsm7' | 'ucs2';
  readonly parts: number;
}

export interface StatusChangeView {
  readonly status: MessageStatus;
  /** RFC 3339. */
  readonly at: string;
  readonly detail: string | null;
  readonly source: string;
}

/** A message as its tenant sees it. The text is deliberately absent: it may hold an OTP. */
export interface MessageView {
  readonly id: string;
  readonly to: string;
  readonly from: string;
  readonly status: MessageStatus;
  readonly encoding: string;
  readonly parts: number;
  readonly clientReference: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly history: readonly StatusChangeView[];
}

/**
 * International format with the usual separators only. (libphonenumber would also pick a number
 * out of surrounding text, "+38267123456 call me", which is not what a tenant meant to send.)
 */
const PHONE_NUMBER_TEXT = /^\s*\+[\d\s().-]+$/;
/** Alphanumeric sender id (GSM: at most 11 characters, at least one letter). */
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9][A-Za-z0-9 .&_-]{0,10}$/;
/** A number (international with +, at most 15 digits as E.164 allows) or a short code. */
const NUMERIC_SENDER = /^(\+[1-9]\d{0,14}|\d{1,16})$/;

/** Field error codes tenants can switch on; wire contract like the problem codes. */
export const FIELD_ERROR_CODES = [
  'field_required',
  'unknown_field',
  'body_not_object',
  'to_invalid',
  'from_invalid',
  'text_invalid',
  'text_empty',
  'text_too_long',
  'client_reference_invalid',
  'field_invalid',
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

const INVALID_TYPE_CODE: Record<string, FieldErrorCode> = {
  to: 'to_invalid',
  from: 'from_invalid',
  text: 'text_invalid',
  clientReference: 'client_reference_invalid',
};

function fail(ctx: z.RefinementCtx, code: FieldErrorCode, message: string): typeof z.NEVER {
  ctx.addIssue({ code: 'custom', message, params: { code } });
  return z.NEVER;
}

/**
 * The submission schema. Strict: an unknown field is an error, not silently dropped, so a
 * tenant's typo (`client_reference`, `sender`) is caught instead of losing data.
 */
function buildSchema(maxParts: number) {
  return z.strictObject({
    to: z.string().transform((value, ctx) => {
      // Only international format: without the +, the number's country would be a guess.
      const phone = PHONE_NUMBER_TEXT.test(value) ? parsePhoneNumberFromString(value) : undefined;
      return phone?.isValid() && phone.ext === undefined
        ? phone.number
        : fail(
            ctx,
            'to_invalid',
            'must be a valid phone number in E.164 format, e.g. +38267123456',
          );
    }),
    from: z
      .string()
      .transform((value, ctx) =>
        ALPHANUMERIC_SENDER.test(value) || NUMERIC_SENDER.test(value)
          ? value
          : fail(
              ctx,
              'from_invalid',
              'must be an alphanumeric sender id of at most 11 characters, or a number or short code of at most 16 digits',
            ),
      ),
    text: z.string().transform((value, ctx) => {
      if (value.length === 0) return fail(ctx, 'text_empty', 'must not be empty');
      const analysis = analyseText(value);
      return analysis.parts > maxParts
        ? fail(
            ctx,
            'text_too_long',
            `needs ${analysis.parts} SMS parts (${analysis.encoding}); at most ${maxParts} are allowed`,
          )
        : { text: value, encoding: analysis.encoding, parts: analysis.parts };
    }),
    clientReference: z
      .string()
      .optional()
      .transform((value, ctx) =>
        value === undefined || (value.length >= 1 && value.length <= 128)
          ? value
          : fail(ctx, 'client_reference_invalid', 'must be 1 to 128 characters'),
      ),
  });
}

const schemas = new Map<number, ReturnType<typeof buildSchema>>();

function submitMessageSchema(maxParts: number): ReturnType<typeof buildSchema> {
  let schema = schemas.get(maxParts);
  if (!schema) {
    schema = buildSchema(maxParts);
    schemas.set(maxParts, schema);
  }
  return schema;
}

/**
 * Validates a submission (REST body or gRPC request) or throws `validation_failed` listing
 * every problem at once, each with a stable code, so a client can fix them in one go.
 */
export function parseSubmitMessage(input: unknown, maxParts: number): SubmitMessageRequest {
  // reportInput: tells a missing field (input undefined) from a mistyped one.
  const result = submitMessageSchema(maxParts).safeParse(input, { reportInput: true });
  if (!result.success) {
    const errors = fieldErrors(result.error.issues);
    throw new ProblemError(
      'validation_failed',
      errors.map((error) => `${error.field}: ${error.message}`).join('; '),
      errors,
    );
  }
  const { to, from, text, clientReference } = result.data;
  return { to, from, clientReference, ...text };
}

/** Maps zod's issues to our field errors (exported for its unit test). */
export function fieldErrors(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const field = issue.path.map(String).join('.');
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          field: key,
          code: 'unknown_field',
          message: 'is not a field of this request',
        }));
      case 'invalid_type':
        if (field === '')
          return [{ field: 'body', code: 'body_not_object', message: 'must be a JSON object' }];
        if (issue.input === undefined)
          return [{ field, code: 'field_required', message: 'is required' }];
        return [
          {
            field,
            code: INVALID_TYPE_CODE[field] ?? 'field_invalid',
            message: `must be a ${issue.expected}`,
          },
        ];
      case 'custom': {
        const code =
          (issue.params as { code?: FieldErrorCode } | undefined)?.code ?? 'field_invalid';
        return [{ field, code, message: issue.message }];
      }
      default:
        return [{ field: field || 'body', code: 'field_invalid', message: issue.message }];
    }
  });
}
