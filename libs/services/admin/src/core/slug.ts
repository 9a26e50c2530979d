import { z } from 'zod';

/** Ids chosen by operators (tenants, carriers): the config file's rule, so both agree. */
export const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function slug(codeForInvalid: string) {
  return z.string().refine((value) => SLUG.test(value), {
    message:
      'must be 1 to 63 lowercase letters, digits and dashes, starting with a letter or digit',
    params: { code: codeForInvalid },
  });
}

/** The display name of a tenant, carrier, key: printable, trimmed, 1 to `max` characters. */
export function displayName(max: number) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`);
}
