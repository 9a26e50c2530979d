import { z } from 'zod';

import { describeFieldErrors, fieldErrorsFromZod } from './field-errors';

const schema = z.strictObject({
  name: z.string().min(1),
  port: z.int(),
  nested: z.strictObject({ flag: z.boolean() }).optional(),
  code: z.string().refine((value) => value === 'ok', { params: { code: 'code_invalid' } }),
});

const errorsOf = (input: unknown, invalidTypeCodes?: Record<string, string>) => {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) throw new Error('expected a failure');
  return fieldErrorsFromZod(result.error.issues, { invalidTypeCodes });
};

describe(fieldErrorsFromZod.name, () => {
  it('tells a missing field from a mistyped one, and names unknown fields with their path', () => {
    const errors = errorsOf({ port: 'x', nested: { flag: true, extra: 1 }, code: 'ok', more: 1 });
    expect(errors.map(({ field, code }) => [field, code]).sort()).toEqual([
      ['more', 'unknown_field'],
      ['name', 'field_required'],
      ['nested.extra', 'unknown_field'],
      ['port', 'field_invalid'],
    ]);
  });

  it('uses the codes a refinement or the API picks', () => {
    const errors = errorsOf({ name: 'a', port: 'x', code: 'nope' }, { port: 'port_invalid' });
    expect(errors.map(({ field, code }) => [field, code])).toEqual([
      ['port', 'port_invalid'],
      ['code', 'code_invalid'],
    ]);
  });

  it('reports a body that is not an object once', () => {
    expect(errorsOf([1, 2])).toEqual([
      { field: 'body', code: 'body_not_object', message: 'must be a JSON object' },
    ]);
  });
});

describe(describeFieldErrors.name, () => {
  it('joins field and message', () => {
    expect(
      describeFieldErrors([
        { field: 'a', code: 'x', message: 'is required' },
        { field: 'b', code: 'y', message: 'must be a number' },
      ]),
    ).toBe('a: is required; b: must be a number');
  });
});
