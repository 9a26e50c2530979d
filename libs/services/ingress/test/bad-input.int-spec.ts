import { splitMessage } from '@tuxhat/smpp';

import { IngressHarness } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };
const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/**
 * Every field and header of the submission, over real HTTP: each bad value answers 400
 * validation_failed naming the field and its code (and nothing is stored), transport mistakes
 * answer their own codes, and no input makes the service answer 5xx.
 */
describe('ingress bad input', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_bad_input');
  });

  afterAll(async () => {
    await sut?.close();
  });

  const rejected = async (body: unknown) => {
    const answer = await sut.submit(body);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ code: 'validation_failed' });
    return (answer.body.errors as { field: string; code: string }[]).map((error) => [
      error.field,
      error.code,
    ]);
  };

  describe.each([
    [
      'to',
      [
        ['', 'to_invalid'],
        ['38267123456', 'to_invalid'],
        ['+3821', 'to_invalid'],
        ['+38267123456789012', 'to_invalid'],
        ['+38267123456 ext. 7', 'to_invalid'],
        ['+44 20 7946 0000\n', 'to_invalid'],
        ['+1 (555) 010-0000', 'to_invalid'],
        [38267123456, 'to_invalid'],
        [null, 'to_invalid'],
        [['+38267123456'], 'to_invalid'],
      ],
    ],
    [
      'from',
      [
        ['', 'from_invalid'],
        ['TuxHatBanking', 'from_invalid'],
        ['Tux\nHat', 'from_invalid'],
        [' TuxHat', 'from_invalid'],
        ['Tux€€€€€Hat', 'from_invalid'],
        ['Тукс', 'from_invalid'],
        ['1234567890123456', 'from_invalid'],
        ['+0123', 'from_invalid'],
        [1234, 'from_invalid'],
      ],
    ],
    [
      'text',
      [
        ['', 'text_empty'],
        ['a\u0000b', 'text_invalid'],
        ['lone \ud800 surrogate', 'text_invalid'],
        ['\udc00 backwards', 'text_invalid'],
        ['x'.repeat(1_531), 'text_too_long'],
        ['Ж'.repeat(671), 'text_too_long'],
        ['€'.repeat(766), 'text_too_long'],
        [{ text: 'nested' }, 'text_invalid'],
        [42, 'text_invalid'],
      ],
    ],
    [
      'clientReference',
      [
        ['', 'client_reference_invalid'],
        ['r'.repeat(129), 'client_reference_invalid'],
        ['nul\u0000', 'client_reference_invalid'],
        [7, 'client_reference_invalid'],
      ],
    ],
    [
      'priority',
      [
        ['urgent', 'priority_invalid'],
        ['OTP', 'priority_invalid'],
        [1, 'priority_invalid'],
      ],
    ],
    [
      'validityPeriod',
      [
        [59, 'validity_period_invalid'],
        [259_201, 'validity_period_invalid'],
        [600.5, 'validity_period_invalid'],
        [-1, 'validity_period_invalid'],
        ['600', 'validity_period_invalid'],
      ],
    ],
    [
      'validUntil',
      [
        ['tomorrow', 'valid_until_invalid'],
        ['2026-11-26T10:00:00', 'valid_until_invalid'],
        [new Date(Date.now() + 30_000).toISOString(), 'valid_until_invalid'],
        [inHours(73), 'valid_until_invalid'],
        [new Date(Date.now() - 3_600_000).toISOString(), 'valid_until_invalid'],
      ],
    ],
    [
      'scheduledAt',
      [
        ['next monday', 'scheduled_at_invalid'],
        [new Date(Date.now() - 60_000).toISOString(), 'scheduled_at_invalid'],
        [inHours(31 * 24), 'scheduled_at_invalid'],
        ['2026-02-30T10:00:00Z', 'scheduled_at_invalid'],
      ],
    ],
    [
      'callbackUrl',
      [
        ['http://example.com/dlr', 'callback_url_invalid'],
        ['https://user:pw@hooks.example.org/dlr', 'callback_url_invalid'],
        ['http://user:pw@127.0.0.1:9000/dlr', 'callback_url_invalid'],
        ['ftp://example.org/x', 'callback_url_invalid'],
        ['javascript:alert(1)', 'callback_url_invalid'],
        ['https://', 'callback_url_invalid'],
        ['not a url', 'callback_url_invalid'],
        [`https://example.org/${'x'.repeat(2_048)}`, 'callback_url_invalid'],
      ],
    ],
    [
      'metadata',
      [
        ['campaign=spring', 'metadata_invalid'],
        [['a'], 'metadata_invalid'],
        [null, 'metadata_invalid'],
      ],
    ],
  ] as const)('%s', (field, cases) => {
    it.each(
      cases.map(([value, code]) => [JSON.stringify(value).slice(0, 40), value, code] as const),
    )('rejects %s', async (_label, value, code) => {
      expect(await rejected({ ...VALID, [field]: value })).toEqual([[field, code]]);
    });
  });

  it.each([
    [{ 'bad key': 'x' }, 'metadata.bad key'],
    [{ ok: 1 }, 'metadata.ok'],
    [{ long: 'v'.repeat(257) }, 'metadata.long'],
    [{ ['k'.repeat(65)]: 'v' }, `metadata.${'k'.repeat(65)}`],
  ])('rejects metadata %j at its path', async (metadata, field) => {
    expect(await rejected({ ...VALID, metadata })).toEqual([[field, 'metadata_invalid']]);
  });

  it('rejects more than 16 metadata entries', async () => {
    const metadata = Object.fromEntries(
      Array.from({ length: 17 }, (_, index) => [`k${index}`, 'v']),
    );
    expect(await rejected({ ...VALID, metadata })).toEqual([['metadata', 'metadata_invalid']]);
  });

  it('rejects validUntil together with validityPeriod', async () => {
    expect(await rejected({ ...VALID, validityPeriod: 600, validUntil: inHours(1) })).toEqual([
      ['validUntil', 'validity_conflict'],
    ]);
  });

  it('counts validity from the scheduled time', async () => {
    const scheduledAt = inHours(48);
    expect(await rejected({ ...VALID, scheduledAt, validUntil: inHours(24) })).toEqual([
      ['validUntil', 'valid_until_invalid'],
    ]);
    const answer = await sut.submit({ ...VALID, scheduledAt, validUntil: inHours(49) });
    expect(answer.status).toBe(202);
  });

  it('rejects unknown fields, including misspelt ones, naming each', async () => {
    expect((await rejected({ ...VALID, client_reference: 'x', Priority: 'otp' })).sort()).toEqual([
      ['Priority', 'unknown_field'],
      ['client_reference', 'unknown_field'],
    ]);
  });

  it.each([
    ['an array', '[1,2]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
  ])('rejects a body that is %s', async (_case, body) => {
    const answer = await sut.request('POST', '/v1/messages', { body });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'body', code: 'body_not_object' }],
    });
  });

  it.each([
    ['/v1/messages', undefined],
    ['/v1/messages', 'deep-key'],
    ['/v1/messages/batch', undefined],
    ['/v1/messages/batch', 'deep-key-batch'],
  ])('answers a body nested 20,000 deep, never with a 5xx (%s, key %s)', async (path, key) => {
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    for (const body of [deep, `{"messages": ${deep}}`, `{"to": ${deep}}`]) {
      const answer = await sut.request('POST', path, {
        body,
        headers: key ? { 'idempotency-key': key } : {},
      });
      // 400 for the request, or (a batch without a key) 202 with the item rejected in place.
      const item = (answer.body.results as { code?: string }[] | undefined)?.[0]?.code;
      expect([body.slice(0, 12), answer.status, item ?? answer.body.code]).toEqual([
        body.slice(0, 12),
        item ? 202 : 400,
        item ? 'validation_failed' : expect.any(String),
      ]);
    }
  });

  it.each([
    ['truncated JSON', '{"to": "+382'],
    ['trailing garbage', '{"to":"+38267123456"} x'],
    ['single quotes', "{'to': '+38267123456'}"],
    ['an empty body', ''],
    ['a __proto__ key', '{"__proto__": {"admin": true}, "to": "+38267123456"}'],
  ])('answers 400 malformed_json for %s', async (_case, body) => {
    const answer = await sut.request('POST', '/v1/messages', { body });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'malformed_json' });
  });

  it.each([
    ['text/plain'],
    ['application/xml'],
    ['application/x-www-form-urlencoded'],
    ['multipart/form-data; boundary=x'],
    ['application/jsonx'],
  ])('answers 415 unsupported_media_type for %s', async (contentType) => {
    const answer = await sut.request('POST', '/v1/messages', {
      body: JSON.stringify(VALID),
      contentType,
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('accepts JSON with a charset parameter', async () => {
    const answer = await sut.request('POST', '/v1/messages', {
      body: JSON.stringify(VALID),
      contentType: 'application/json; charset=utf-8',
    });
    expect(answer.status).toBe(202);
  });

  it('answers 413 payload_too_large for a body over 64 KiB, before reading it all', async () => {
    const answer = await sut.request('POST', '/v1/messages', {
      body: JSON.stringify({ ...VALID, text: 'x'.repeat(70_000) }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'payload_too_large' });
  });

  it.each([
    ['Basic auth', 'Basic dXNlcjpwYXNz'],
    ['an empty bearer', 'Bearer '],
    ['two keys', 'Bearer a b'],
    ['an admin key', `Bearer tha_abcdefgh_${'A'.repeat(43)}`],
  ])('answers 401 for %s', async (_case, authorization) => {
    const answer = await sut.request('POST', '/v1/messages', {
      key: null,
      body: JSON.stringify(VALID),
      headers: { authorization },
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: 'unauthorized' });
  });

  it.each([
    ['a NUL', '%00', 404, 'message_not_found'],
    ['a control character', '%01%7F', 404, 'message_not_found'],
    ['an encoded lone surrogate (not UTF-8)', '%ED%A0%80', 400, 'bad_request'],
    ['a broken escape', '%', 400, 'bad_request'],
    ['a very long id', 'm'.repeat(2_000), 404, 'not_found'],
  ])('answers GET /v1/messages/{id} with %s as problem+json', async (_case, id, status, code) => {
    const answer = await sut.request('GET', `/v1/messages/${id}`);
    expect(answer.status).toBe(status);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status, code });
  });

  it('stored nothing for any of the rejected requests', async () => {
    const bodies = await sut.prisma.message.findMany({ select: { body: true } });
    // Only the few valid submissions of this file.
    expect(bodies.length).toBeLessThanOrEqual(3);
  });

  it('says what a callbackUrl must be', async () => {
    const answer = await sut.submit({ ...VALID, callbackUrl: 'http://example.com/dlr' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      {
        field: 'callbackUrl',
        code: 'callback_url_invalid',
        message:
          'must be an https:// URL without credentials (http:// only to localhost), of at most 2048 characters',
      },
    ]);
  });

  // After the check that nothing was stored: these are accepted.
  it.each([
    ['https', 'https://hooks.example.org/dlr?tenant=acme'],
    ['http to 127.0.0.1 with a port', 'http://127.0.0.1:9000/dlr'],
    ['http to localhost', 'http://localhost/dlr'],
  ])('accepts a callbackUrl: %s, and stores it as sent', async (_case, callbackUrl) => {
    const answer = await sut.submit({ ...VALID, callbackUrl });
    expect(answer.status).toBe(202);
    const row = await sut.prisma.message.findUniqueOrThrow({
      where: { id: String(answer.body.id) },
    });
    expect(row.callbackUrl).toBe(callbackUrl);
  });

  describe('unicode', () => {
    /** Encoding and parts as the SMPP connector's splitter will send the text. */
    const splitter = (text: string) => {
      const split = splitMessage(text);
      return { encoding: split.encoding, parts: split.parts.length };
    };

    it.each([
      ['plain GSM-7, 160 septets', 'x'.repeat(160), 'gsm7', 1],
      ['plain GSM-7, 161 septets', 'x'.repeat(161), 'gsm7', 2],
      ['80 euro signs (extension: 2 septets each)', '€'.repeat(80), 'gsm7', 1],
      ['81 euro signs', '€'.repeat(81), 'gsm7', 2],
      ['every extension character', '€[]{}^~\\|', 'gsm7', 1],
      [
        'extension characters at a part boundary',
        `${'x'.repeat(152)}€${'x'.repeat(10)}`,
        'gsm7',
        2,
      ],
      ['an emoji (a surrogate pair: 2 UCS-2 units)', 'Hi 🙂', 'ucs2', 1],
      ['35 emoji = 70 units', '🙂'.repeat(35), 'ucs2', 1],
      ['36 emoji = 72 units, never split inside a pair', '🙂'.repeat(36), 'ucs2', 2],
      ['a ZWJ family emoji', '👨‍👩‍👧‍👦', 'ucs2', 1],
      ['a precomposed é (in GSM-7)', 'Café', 'gsm7', 1],
      ['a combining acute accent (not in GSM-7)', 'Cafe\u0301', 'ucs2', 1],
      ['Cyrillic', 'Привет! '.repeat(20), 'ucs2', 3],
      ['Arabic, right to left', 'مرحبا بالعالم', 'ucs2', 1],
      ['a byte order mark', '\ufeffHello', 'ucs2', 1],
      ['10 GSM-7 parts exactly', 'x'.repeat(1_530), 'gsm7', 10],
      ['10 UCS-2 parts exactly', 'Ж'.repeat(670), 'ucs2', 10],
    ])('%s', async (_case, text, encoding, parts) => {
      const answer = await sut.submit({ ...VALID, text });
      expect(answer.status).toBe(202);
      expect(answer.body).toMatchObject({ encoding, parts });
      expect(splitter(text)).toEqual({ encoding, parts });
      const row = await sut.prisma.message.findUniqueOrThrow({
        where: { id: String(answer.body.id) },
      });
      // Stored exactly as sent, combining marks and all.
      expect(row.body).toBe(text);
    });

    it('accepts a GSM-7 sender with extension characters counting twice', async () => {
      expect((await sut.submit({ ...VALID, from: 'Tux€Bank' })).status).toBe(202);
      expect(await rejected({ ...VALID, from: 'TuxHat€€€' })).toEqual([['from', 'from_invalid']]);
    });
  });
});
