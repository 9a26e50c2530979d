import { splitMessage } from '@tuxhat/smpp';

import { ProblemError } from './problem';
import {
  MAX_BATCH_ITEMS,
  isStorableText,
  isValidSender,
  normaliseE164,
  parseBatchEnvelope,
  parseSubmission,
  printableField,
  validateSubmission,
} from './submission.validation';

const NOW = new Date('2026-11-26T12:00:00.000Z');
const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };
const at = (offsetSeconds: number) => new Date(NOW.getTime() + offsetSeconds * 1000).toISOString();

const parse = (input: unknown, maxParts = 10) => parseSubmission(input, { maxParts, now: NOW });

/** The field errors a submission is rejected with, as [field, code] pairs. */
function rejected(input: unknown, maxParts = 10): [string, string][] {
  const result = validateSubmission(input, { maxParts, now: NOW });
  if (result.ok) throw new Error('accepted');
  return result.errors.map((item) => [item.field, item.code]);
}

describe(validateSubmission.name, () => {
  it('accepts a minimal message with the defaults, and computes encoding and parts', () => {
    expect(parse({ ...VALID, clientReference: 'ref' })).toEqual({
      ...VALID,
      clientReference: 'ref',
      priority: 'transactional',
      validUntil: undefined,
      scheduledAt: undefined,
      callbackUrl: undefined,
      metadata: undefined,
      encoding: 'gsm7',
      parts: 1,
    });
    expect(parse({ ...VALID, text: 'Čestitamo! ✓' })).toMatchObject({ encoding: 'ucs2', parts: 1 });
  });

  it('accepts every option and normalises times to UTC', () => {
    expect(
      parse({
        ...VALID,
        priority: 'otp',
        scheduledAt: '2026-11-26T14:00:00+01:00',
        validityPeriod: 300,
        callbackUrl: 'https://hooks.example.org/dlr?tenant=acme',
        metadata: { campaign: 'spring', 'order.id': '42' },
      }),
    ).toMatchObject({
      priority: 'otp',
      scheduledAt: '2026-11-26T13:00:00.000Z',
      validUntil: '2026-11-26T13:05:00.000Z',
      callbackUrl: 'https://hooks.example.org/dlr?tenant=acme',
      metadata: { campaign: 'spring', 'order.id': '42' },
    });
    expect(parse({ ...VALID, validUntil: at(3600) }).validUntil).toBe(at(3600));
  });

  it('bounds validity to 60 s .. 72 h after the send time', () => {
    expect(parse({ ...VALID, validityPeriod: 60 }).validUntil).toBe(at(60));
    expect(parse({ ...VALID, validityPeriod: 259_200 }).validUntil).toBe(at(259_200));
    expect(rejected({ ...VALID, validityPeriod: 59 })).toEqual([
      ['validityPeriod', 'validity_period_invalid'],
    ]);
    expect(rejected({ ...VALID, validUntil: at(59) })).toEqual([
      ['validUntil', 'valid_until_invalid'],
    ]);
    expect(rejected({ ...VALID, validUntil: at(259_201) })).toEqual([
      ['validUntil', 'valid_until_invalid'],
    ]);
    expect(rejected({ ...VALID, scheduledAt: at(7_200), validUntil: at(3_600) })).toEqual([
      ['validUntil', 'valid_until_invalid'],
    ]);
    expect(rejected({ ...VALID, validityPeriod: 600, validUntil: at(600) })).toEqual([
      ['validUntil', 'validity_conflict'],
    ]);
  });

  it('bounds the schedule to the next 30 days', () => {
    expect(parse({ ...VALID, scheduledAt: at(30 * 86_400) }).scheduledAt).toBe(at(30 * 86_400));
    expect(rejected({ ...VALID, scheduledAt: at(30 * 86_400 + 1) })).toEqual([
      ['scheduledAt', 'scheduled_at_invalid'],
    ]);
    expect(rejected({ ...VALID, scheduledAt: at(0) })).toEqual([
      ['scheduledAt', 'scheduled_at_invalid'],
    ]);
    expect(rejected({ ...VALID, scheduledAt: '2026-11-27 10:00' })).toEqual([
      ['scheduledAt', 'scheduled_at_invalid'],
    ]);
  });

  it('limits the text by SMS parts, not characters', () => {
    expect(parse({ ...VALID, text: 'x'.repeat(153 * 3) }, 3).parts).toBe(3);
    expect(rejected({ ...VALID, text: 'x'.repeat(153 * 3 + 1) }, 3)).toEqual([
      ['text', 'text_too_long'],
    ]);
    expect(rejected({ ...VALID, text: 'ж'.repeat(67 * 3 + 1) }, 3)).toEqual([
      ['text', 'text_too_long'],
    ]);
    expect(parse({ ...VALID, text: 'x'.repeat(160) }, 1).parts).toBe(1);
    expect(rejected({ ...VALID, text: 'x'.repeat(161) }, 1)).toEqual([['text', 'text_too_long']]);
    // Huge texts are refused before they are analysed.
    expect(rejected({ ...VALID, text: 'x'.repeat(1_000_000) })).toEqual([
      ['text', 'text_too_long'],
    ]);
  });

  it.each([
    ['GSM-7', 'Hello, world!'],
    ['extension characters', '{[€]}~^|\\ '.repeat(20)],
    ['emoji', '🙂👍🏽 '.repeat(15)],
    ['combining marks', 'e\u0301'.repeat(50)],
    ['a long GSM-7 text', 'x'.repeat(1_000)],
    ['a long UCS-2 text', 'ж'.repeat(400)],
  ])('counts parts exactly as the SMPP splitter sends them: %s', (_case, text) => {
    const split = splitMessage(text);
    expect(parse({ ...VALID, text })).toMatchObject({
      encoding: split.encoding,
      parts: split.parts.length,
    });
  });

  it.each([
    ['https', 'https://hooks.example.org/dlr?tenant=acme'],
    ['https with a port', 'https://hooks.example.org:8443/dlr'],
    ['http to localhost', 'http://localhost/dlr'],
    ['http to 127.0.0.1 with a port', 'http://127.0.0.1:9000/dlr'],
    ['http to [::1]', 'http://[::1]:9000/dlr'],
    ['2,048 characters', `https://hooks.example.org/${'x'.repeat(2_048 - 26)}`],
  ])('accepts a callbackUrl: %s', (_case, callbackUrl) => {
    expect(parse({ ...VALID, callbackUrl }).callbackUrl).toBe(callbackUrl);
  });

  it.each([
    ['http to another host', 'http://example.com/dlr'],
    ['http to a private address', 'http://10.0.0.5/dlr'],
    ['http to a name that starts like localhost', 'http://localhost.example.com/dlr'],
    ['credentials', 'https://user:pw@hooks.example.org/dlr'],
    ['a user name only', 'https://user@hooks.example.org/dlr'],
    ['credentials to localhost', 'http://user:pw@localhost/dlr'],
    ['another scheme', 'ftp://hooks.example.org/dlr'],
    ['no host', 'https://'],
    ['not a URL', 'hooks.example.org/dlr'],
    ['a NUL', 'https://hooks.example.org/dl\u0000r'],
    ['too long', `https://hooks.example.org/${'x'.repeat(2_048)}`],
  ])('refuses a callbackUrl: %s, with callback_url_invalid', (_case, callbackUrl) => {
    const result = validateSubmission({ ...VALID, callbackUrl }, { maxParts: 10, now: NOW });
    expect(result.ok ? [] : result.errors).toEqual([
      {
        field: 'callbackUrl',
        code: 'callback_url_invalid',
        message:
          'must be an https:// URL without credentials (http:// only to localhost), of at most 2048 characters',
      },
    ]);
  });

  it('maps missing, mistyped and unknown fields to stable codes', () => {
    expect(rejected({ from: 'TuxHat' })).toEqual([
      ['to', 'field_required'],
      ['text', 'field_required'],
    ]);
    expect(
      rejected({ ...VALID, to: 38267123456, text: ['hi'], priority: 2, validityPeriod: '60' }),
    ).toEqual([
      ['to', 'to_invalid'],
      ['text', 'text_invalid'],
      ['priority', 'priority_invalid'],
      ['validityPeriod', 'validity_period_invalid'],
    ]);
    expect(rejected({ ...VALID, sender: 'x', client_reference: 'y' })).toEqual([
      ['sender', 'unknown_field'],
      ['client_reference', 'unknown_field'],
    ]);
  });

  it.each([[null], [[]], ['text'], [42]])('rejects the body %p as not an object', (body) => {
    expect(rejected(body)).toEqual([['body', 'body_not_object']]);
  });

  it('checks metadata entry by entry, at the entry’s path', () => {
    expect(rejected({ ...VALID, metadata: { good: 'x', 'bad key': 'y', n: 1 } })).toEqual([
      ['metadata.bad key', 'metadata_invalid'],
      ['metadata.n', 'metadata_invalid'],
    ]);
    expect(
      rejected({
        ...VALID,
        metadata: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`k${i}`, 'v'])),
      }),
    ).toEqual([['metadata', 'metadata_invalid']]);
  });

  it('never echoes unprintable characters of a key back', () => {
    const errors = rejected({ ...VALID, metadata: { 'a\u0000\ud800': 'x' }, '\u0001': 1 });
    expect(errors).toEqual(
      expect.arrayContaining([
        ['metadata.a\\u0000\\ud800', 'metadata_invalid'],
        ['\\u0001', 'unknown_field'],
      ]),
    );
  });

  it('names every problem in the detail', () => {
    try {
      parse({ to: 'x', from: '', text: '' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ProblemError);
      expect((error as ProblemError).detail).toMatch(/^to: .*; from: .*; text: must not be empty$/);
    }
  });
});

describe(normaliseE164.name, () => {
  it.each([
    ['+38267123456', '+38267123456'],
    [' +382 67-123-456', '+38267123456'],
    ['+(382) 67 123456', '+38267123456'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 202 555 0123', '+12025550123'],
  ])('normalises %p', (input, expected) => {
    expect(normaliseE164(input)).toBe(expected);
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
    ['+38267123456\n'],
    [`+${'1'.repeat(70)}`],
  ])('rejects %p', (input) => {
    expect(normaliseE164(input)).toBeNull();
  });

  it('answers a number seen before (valid or not) the same way every time', () => {
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 5_000; n++) {
        expect(normaliseE164(`+38267${100_000 + n}`)).toBe(`+38267${100_000 + n}`);
      }
      expect(normaliseE164('+999123456789')).toBeNull();
      expect(normaliseE164(' +382 67-123-456')).toBe('+38267123456');
    }
  });
});

describe(isValidSender.name, () => {
  it.each([
    ['TuxHat'],
    ['Bank 24'],
    ['1234'],
    ['+38267123456'],
    ['123456789012345'],
    ['Tux<Hat>'],
    ['A€B'],
    ['@Home'],
  ])('accepts %p', (from) => expect(isValidSender(from)).toBe(true));

  it.each([
    [''],
    ['TuxHatAlerts'],
    ['1234567890123456'],
    ['+0123'],
    [' TuxHat'],
    ['TuxHat '],
    ['Tux\nHat'],
    ['TuxHat€€€'],
    ['Ćevapi'],
    ['🙂'],
  ])('rejects %p', (from) => expect(isValidSender(from)).toBe(false));
});

describe(isStorableText.name, () => {
  it('refuses NUL and lone surrogates, keeps pairs and everything else', () => {
    expect(isStorableText('🙂 ok \n\t é')).toBe(true);
    expect(isStorableText('a\u0000b')).toBe(false);
    expect(isStorableText('\ud83d')).toBe(false);
    expect(isStorableText('\ude42x')).toBe(false);
    expect(isStorableText('\ude42\ud83d')).toBe(false);
  });
});

describe(printableField.name, () => {
  it('escapes what is not printable ASCII and cuts long paths', () => {
    expect(printableField('metadata.ok')).toBe('metadata.ok');
    expect(printableField('é\u0000')).toBe('\\u00e9\\u0000');
    expect(printableField('k'.repeat(500))).toHaveLength(163);
  });
});

describe(parseBatchEnvelope.name, () => {
  const codeOf = (input: unknown) => {
    try {
      parseBatchEnvelope(input);
      return 'accepted';
    } catch (error) {
      const problem = error as ProblemError;
      return [problem.code, ...(problem.errors ?? []).map((item) => `${item.field}=${item.code}`)];
    }
  };

  it('passes the items through, up to 1,000', () => {
    expect(parseBatchEnvelope({ messages: [1, 2] })).toEqual([1, 2]);
    expect(parseBatchEnvelope({ messages: new Array(MAX_BATCH_ITEMS).fill(VALID) })).toHaveLength(
      1_000,
    );
  });

  it('refuses a bad envelope with stable codes', () => {
    expect(codeOf({ messages: new Array(1_001).fill(VALID) })).toEqual(['batch_too_large']);
    expect(codeOf({ messages: [] })).toEqual(['validation_failed', 'messages=batch_empty']);
    expect(codeOf({})).toEqual(['validation_failed', 'messages=field_required']);
    expect(codeOf({ messages: 'x' })).toEqual(['validation_failed', 'messages=field_invalid']);
    expect(codeOf({ messages: [VALID], extra: 1 })).toEqual([
      'validation_failed',
      'extra=unknown_field',
    ]);
    expect(codeOf([VALID])).toEqual(['validation_failed', 'body=body_not_object']);
  });
});
