import type { z } from 'zod';

import type { FieldError } from './problem';

/**
 * Field error codes every API uses for the shapes zod checks; wire contract like the problem
 * codes. APIs add their own (e.g. `to_invalid`) through a refinement's `params.code` or
 * `invalidTypeCodes`.
 */
export const COMMON_FIELD_ERROR_CODES = [
  'field_required',
  'unknown_field',
  'body_not_object',
  'field_invalid',
] as const;

export interface FieldErrorOptions {
  /** The code of a present field of the wrong type, by field path (default `field_invalid`). */
  readonly invalidTypeCodes?: Readonly<Record<string, string>>;
}

/**
 * Maps zod's issues to field errors with stable codes. Parse with `{ reportInput: true }` so a
 * missing field (`field_required`) is told from a mistyped one. A refinement picks its own code
 * with `ctx.addIssue({ code: 'custom', message, params: { code } })`.
 */
export function fieldErrorsFromZod(
  issues: readonly z.core.$ZodIssue[],
  options: FieldErrorOptions = {},
): FieldError[] {
  return issues.flatMap((issue): FieldError[] => {
    const field = issue.path.map(String).join('.');
    switch (issue.code) {
      case 'unrecognized_keys':
        return issue.keys.map((key) => ({
          field: field ? `${field}.${key}` : key,
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
            code: options.invalidTypeCodes?.[field] ?? 'field_invalid',
            message: `must be a ${issue.expected}`,
          },
        ];
      case 'custom': {
        const code = (issue.params as { code?: string } | undefined)?.code ?? 'field_invalid';
        return [{ field: field || 'body', code, message: issue.message }];
      }
      default:
        return [{ field: field || 'body', code: 'field_invalid', message: issue.message }];
    }
  });
}

/** The one-line detail of a validation problem: `to: must be ...; text: is required`. */
export function describeFieldErrors(errors: readonly FieldError[]): string {
  return errors.map((error) => `${error.field}: ${error.message}`).join('; ');
}
