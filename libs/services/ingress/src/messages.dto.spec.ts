import { fieldErrors, parseSubmitMessage } from './messages.dto';
import { ProblemError } from './problem';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

/** The field errors a submission is rejected with, as [field, code] pairs. */
function rejected(input: unknown, maxParts = 10): [string, string][] {
  try {
    parseSubmitMessage(input, maxParts);
  } catch (error) {
    if (!(error instanceof ProblemError)) throw error;
    expect(error.code).toBe('validation_failed');
    return (error.errors ?? []).map((item) => [item.field, item.code]);
  }
  throw new Error('accepted');
}

describe(parseSubmitMessage.name, () => {
  it('accepts a valid message and computes encoding and parts', () => {
    expect(parseSubmitMessage({ ...VALID, clientReference: 'ref' }, 10)).toEqual({
      ...VALID,
      clientReference: 'ref',
      encoding: 'gsm7',
      parts: 1,
    });
    expect(parseSubmitMessage({ ...VALID, text: 'Čestitamo! ✓' }, 10)).toMatchObject({
      encoding: 'ucs2',
      parts: 1,
    });
  });

  it('normalises the destination to E.164', () => {
    expect(parseSubmitMessage({ ...VALID, to: ' +382 67-123-456 ' }, 10).to).toBe('+38267123456');
    expect(parseSubmitMessage({ ...VALID, to: '+(382) 67 123456' }, 10).to).toBe('+38267123456');
  });

  it.each([
    ['38267123456'],
    ['067123456'],
    ['+3821'],
    ['+999123456789'],
    ['+12025550123 ext. 7'],
    ['call me'],
    ['+38267123456 call me'],
    ['tel:+38267123456'],
  ])('rejects the destination %p', (to) => {
    expect(rejected({ ...VALID, to })).toEqual([['to', 'to_invalid']]);
  });

  it.each([['TuxHat'], ['Bank 24'], ['1234'], ['+38267123456'], ['1234567890123456']])(
    'accepts the sender %p',
    (from) => {
      expect(parseSubmitMessage({ ...VALID, from }, 10).from).toBe(from);
    },
  );

  it.each([[''], ['TuxHatAlerts'], ['12345678901234567'], ['+0123'], ['Tux<Hat>'], [' TuxHat']])(
    'rejects the sender %p',
    (from) => {
      expect(rejected({ ...VALID, from })).toEqual([['from', 'from_invalid']]);
    },
  );

  it('limits the text by SMS parts, not characters', () => {
    expect(parseSubmitMessage({ ...VALID, text: 'x'.repeat(153 * 3) }, 3).parts).toBe(3);
    expect(rejected({ ...VALID, text: 'x'.repeat(153 * 3 + 1) }, 3)).toEqual([
      ['text', 'text_too_long'],
    ]);
    // UCS-2 parts hold 67 characters.
    expect(rejected({ ...VALID, text: 'ж'.repeat(67 * 3 + 1) }, 3)).toEqual([
      ['text', 'text_too_long'],
    ]);
    expect(rejected({ ...VALID, text: '' })).toEqual([['text', 'text_empty']]);
  });

  it('maps missing, mistyped and unknown fields to stable codes', () => {
    expect(rejected({ from: 'TuxHat' })).toEqual([
      ['to', 'field_required'],
      ['text', 'field_required'],
    ]);
    expect(rejected({ ...VALID, to: 38267123456, text: ['hi'] })).toEqual([
      ['to', 'to_invalid'],
      ['text', 'text_invalid'],
    ]);
    expect(rejected({ ...VALID, sender: 'x', client_reference: 'y' })).toEqual([
      ['sender', 'unknown_field'],
      ['client_reference', 'unknown_field'],
    ]);
    expect(rejected({ ...VALID, clientReference: '' })).toEqual([
      ['clientReference', 'client_reference_invalid'],
    ]);
    expect(rejected({ ...VALID, clientReference: 'r'.repeat(129) })).toEqual([
      ['clientReference', 'client_reference_invalid'],
    ]);
  });

  it.each([[null], [[]], ['text'], [42]])('rejects the body %p as not an object', (body) => {
    expect(rejected(body)).toEqual([['body', 'body_not_object']]);
  });

  it('names every problem in the detail', () => {
    try {
      parseSubmitMessage({ to: 'x', from: '', text: '' }, 10);
    } catch (error) {
      expect((error as ProblemError).detail).toMatch(/^to: .*; from: .*; text: must not be empty$/);
    }
  });
});

describe(fieldErrors.name, () => {
  it('keeps an unexpected zod issue as field_invalid rather than dropping it', () => {
    expect(
      fieldErrors([
        { code: 'too_big', maximum: 1, origin: 'string', path: ['x'], message: 'big', input: 'xx' },
      ]),
    ).toEqual([{ field: 'x', code: 'field_invalid', message: 'big' }]);
  });
});
