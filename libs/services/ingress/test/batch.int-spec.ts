import { IngressHarness, type Json } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

describe('ingress POST /v1/messages/batch', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_batch');
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('accepts 1,000 messages in one request: stored, published, answered in order', async () => {
    const items = Array.from({ length: 1_000 }, (_, index) => ({
      ...VALID,
      text: `bulk ${index}`,
      priority: 'bulk',
      clientReference: `c-${index}`,
    }));
    const started = Date.now();
    const answer = await sut.submitBatch(items);
    const elapsed = Date.now() - started;

    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 1_000, rejected: 0 });
    const results = answer.body.results as Json[];
    expect(results.map((result) => result.index)).toEqual(items.map((_, index) => index));
    expect(results.every((result) => result.status === 'accepted')).toBe(true);
    const ids = results.map((result) => String(result.id));
    expect(new Set(ids).size).toBe(1_000);

    const rows = await sut.prisma.message.findMany({
      where: { id: { in: ids } },
      select: { id: true, body: true, clientReference: true, priority: true },
    });
    expect(rows).toHaveLength(1_000);
    const byId = new Map(rows.map((row) => [row.id, row]));
    expect(byId.get(ids[42])).toMatchObject({
      body: 'bulk 42',
      clientReference: 'c-42',
      priority: 'bulk',
    });
    expect(
      await sut.prisma.messageStatusEvent.count({
        where: { messageId: { in: ids }, detail: 'batch item received via REST' },
      }),
    ).toBe(1_000);
    const idSet = new Set(ids);
    const published = sut.submittedLanes
      .flatMap((recorder) => recorder.events)
      .filter((event) => idSet.has(event.message.messageId));
    expect(published).toHaveLength(1_000);
    expect(published.every((event) => event.message.priority === 'bulk')).toBe(true);
    // Generous on a shared 2-core machine: the group commit writes the batch in one statement.
    expect(elapsed).toBeLessThan(15_000);
  });

  it('answers every item in its place: a bad one does not fail the others', async () => {
    const answer = await sut.submitBatch([
      VALID,
      { ...VALID, to: '12345' },
      { ...VALID, text: '🙂 Hello' },
      { ...VALID, from: '', extra: true },
      'not an object',
      { ...VALID, text: '€'.repeat(81) },
    ]);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 3, rejected: 3 });
    expect(answer.body.results).toEqual([
      { index: 0, status: 'accepted', id: expect.any(String), encoding: 'gsm7', parts: 1 },
      {
        index: 1,
        status: 'rejected',
        code: 'validation_failed',
        detail: expect.stringContaining('to:'),
        errors: [{ field: 'to', code: 'to_invalid', message: expect.any(String) }],
      },
      { index: 2, status: 'accepted', id: expect.any(String), encoding: 'ucs2', parts: 1 },
      {
        index: 3,
        status: 'rejected',
        code: 'validation_failed',
        detail: expect.any(String),
        errors: expect.arrayContaining([
          expect.objectContaining({ field: 'from', code: 'from_invalid' }),
          expect.objectContaining({ field: 'extra', code: 'unknown_field' }),
        ]),
      },
      {
        index: 4,
        status: 'rejected',
        code: 'validation_failed',
        detail: expect.any(String),
        errors: [{ field: 'body', code: 'body_not_object', message: expect.any(String) }],
      },
      // 81 euro signs are 162 septets: two GSM-7 parts.
      { index: 5, status: 'accepted', id: expect.any(String), encoding: 'gsm7', parts: 2 },
    ]);
  });

  it('takes a batch larger than the single-message body limit', async () => {
    const items = Array.from({ length: 600 }, () => ({ ...VALID, text: 'x'.repeat(150) }));
    expect(JSON.stringify({ messages: items }).length).toBeGreaterThan(65_536);
    const answer = await sut.submitBatch(items);
    expect(answer.status).toBe(202);
    expect(answer.body).toMatchObject({ accepted: 600 });
  });

  it('answers 413 batch_too_large over 1,000 messages, sending none', async () => {
    const before = await sut.prisma.message.count();
    const answer = await sut.submitBatch(Array.from({ length: 1_001 }, () => VALID));
    expect(answer.status).toBe(413);
    expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({ status: 413, code: 'batch_too_large' });
    expect(await sut.prisma.message.count()).toBe(before);
  });

  it('answers 413 payload_too_large over the batch body limit', async () => {
    const answer = await sut.request('POST', '/v1/messages/batch', {
      body: JSON.stringify({ messages: [{ ...VALID, text: 'x'.repeat(5 * 1024 * 1024) }] }),
    });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ code: 'payload_too_large' });
  });

  it.each([
    ['an empty batch', { messages: [] }, 'messages', 'batch_empty'],
    ['no messages', {}, 'messages', 'field_required'],
    ['messages not an array', { messages: { to: '+38267123456' } }, 'messages', 'field_invalid'],
    ['an unknown field', { messages: [VALID], defaults: {} }, 'defaults', 'unknown_field'],
    ['an array body', [VALID], 'body', 'body_not_object'],
  ])('answers 400 validation_failed for %s', async (_case, body, field, code) => {
    const answer = await sut.request('POST', '/v1/messages/batch', { body: JSON.stringify(body) });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed', errors: [{ field, code }] });
  });

  it('answers 415 for a batch that is not JSON, 401 without a key', async () => {
    expect(
      (
        await sut.request('POST', '/v1/messages/batch', {
          body: 'to=+38267123456',
          contentType: 'application/x-www-form-urlencoded',
        })
      ).status,
    ).toBe(415);
    expect((await sut.submitBatch([VALID], null)).status).toBe(401);
  });
});
