import { fieldErrorsFromZod } from '@tuxhat/http-problem';
import type { z } from 'zod';

import { AdminProblem } from './admin-problem';

/**
 * Validates a JSON body against a (strict) zod schema, or throws `validation_failed` listing
 * every problem with a stable code. No body at all (a request without a JSON content type)
 * answers `unsupported_media_type`, as Fastify does for any other content type.
 */
export function parseBody<Schema extends z.ZodType>(
  schema: Schema,
  body: unknown,
): z.output<Schema> {
  if (body === undefined) {
    throw new AdminProblem('unsupported_media_type', 'send the body as application/json');
  }
  return parse(schema, body);
}

/** Validates query parameters (strings, as Fastify parses them); unknown ones are errors. */
export function parseQuery<Schema extends z.ZodType>(
  schema: Schema,
  query: unknown,
): z.output<Schema> {
  return parse(schema, query ?? {});
}

function parse<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  // reportInput: tells a missing field (input undefined) from a mistyped one.
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw AdminProblem.validation(fieldErrorsFromZod(result.error.issues));
  return result.data;
}
