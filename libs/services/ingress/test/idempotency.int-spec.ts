import { IDEMPOTENCY_TTL_MS } from '../src/idempotency';
import { IdempotencyPurger } from '../src/idempotency-purger';
import {
  FlakyBusClient,
  IngressHarness,
  ManualClock,
  type HttpAnswer,
} from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

let sequence = 0;
/** A key no other test uses. */
const freshKey = () => `key-${Date.now()}-${++sequence}`;

describe('ingress Idempotency-Key', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_idempotency');
  });

  afterAll(async () => {
    await sut?.close();
  });

  const messagesWithText = (text: string) => sut.prisma.message.count({ where: { body: text } });
  const submittedWithText = (text: string) =>
    sut.submittedLanes
      .flatMap((recorder) => recorder.events)
      .filter((event) => event.message.text === text).length;

  it('answers a retry with the original answer and sends nothing twice', async () => {
    const key = freshKey();
    const body = { ...VALID, text: `retry ${key}` };
    const first = await sut.submit(body, undefined, { 'idempotency-key': key });
    const second = await sut.submit(body, undefined, { 'idempotency-key': key });

    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await messagesWithText(body.text)).toBe(1);
    expect(submittedWithText(body.text)).toBe(1);
  });

  it('treats the same body with other key order and spacing as the same request', async () => {
    const key = freshKey();
    const text = `order ${key}`;
    const first = await sut.request('POST', '/v1/messages', {
      body: JSON.stringify({ to: VALID.to, from: VALID.from, text }),
      headers: { 'idempotency-key': key },
    });
    const second = await sut.request('POST', '/v1/messages', {
      body: `{ "text": ${JSON.stringify(text)},\n "from": "TuxHat", "to": "+38267123456" }`,
      headers: { 'idempotency-key': key },
    });
    expect(second.body).toEqual(first.body);
    expect(await messagesWithText(text)).toBe(1);
  });

  it('answers 409 idempotency_key_reused for the same key with another body', async () => {
    const key = freshKey();
    await sut.submit({ ...VALID, text: `first ${key}` }, undefined, { 'idempotency-key': key });
    const reused = await sut.submit({ ...VALID, text: `second ${key}` }, undefined, {
      'idempotency-key': key,
    });
    expect(reused.status).toBe(409);
    expect(reused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(reused.body).toMatchObject({ status: 409, code: 'idempotency_key_reused' });
    expect(await messagesWithText(`second ${key}`)).toBe(0);
  });

  it('keeps single and batch submissions apart: one key, two operations -> 409', async () => {
    const key = freshKey();
    const body = { ...VALID, text: `op ${key}` };
    expect((await sut.submit(body, undefined, { 'idempotency-key': key })).status).toBe(202);
    const batch = await sut.submitBatch([body], undefined, { 'idempotency-key': key });
    expect(batch.body).toMatchObject({ code: 'idempotency_key_reused' });
  });

  it('sends exactly one message for 20 concurrent identical requests', async () => {
    const key = freshKey();
    const body = { ...VALID, text: `concurrent ${key}` };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => sut.submit(body, undefined, { 'idempotency-key': key })),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(
      answers.filter((answer) => answer.headers.get('idempotent-replayed') === null),
    ).toHaveLength(1);
    expect(await messagesWithText(body.text)).toBe(1);
    expect(
      await sut.prisma.messageStatusEvent.count({ where: { message: { body: body.text } } }),
    ).toBe(1);
    expect(submittedWithText(body.text)).toBe(1);
  });

  it('sends exactly one message for concurrent retries spread over two replicas', async () => {
    const replica = await sut.startReplica();
    const key = freshKey();
    const body = { ...VALID, text: `replicas ${key}` };
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        sut.request('POST', '/v1/messages', {
          body: JSON.stringify(body),
          headers: { 'idempotency-key': key },
          baseUrl: index % 2 === 0 ? sut.ingress.httpUrl : replica.httpUrl,
        }),
      ),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 202));
    expect(new Set(answers.map((answer) => answer.body.id)).size).toBe(1);
    expect(await messagesWithText(body.text)).toBe(1);
    expect(submittedWithText(body.text)).toBe(1);
    // The other replica's requests found the key held in the database and replayed its answer.
    expect(
      answers.filter((answer) => answer.headers.get('idempotent-replayed') === 'true'),
    ).toHaveLength(19);
  });

  it('scopes keys by tenant: the same key of two tenants sends two messages', async () => {
    const key = freshKey();
    const body = { ...VALID, text: `tenants ${key}` };
    const acme = await sut.submit(body, sut.acme.key.key, { 'idempotency-key': key });
    const other = await sut.submit(body, sut.other.key.key, { 'idempotency-key': key });
    expect(acme.status).toBe(202);
    expect(other.status).toBe(202);
    expect(other.body.id).not.toBe(acme.body.id);
    expect(other.headers.get('idempotent-replayed')).toBeNull();
    // And another body under the same key in tenant B is no conflict with tenant A's.
    const otherBody = await sut.submit({ ...body, text: `${body.text}!` }, sut.other.key.key, {
      'idempotency-key': freshKey(),
    });
    expect(otherBody.status).toBe(202);
    const rows = await sut.prisma.idempotencyKey.findMany({ where: { key } });
    expect(rows.map((row) => row.tenantId).sort()).toEqual(['acme', 'other']);
  });

  it('replays a batch, and its per-item answers, without sending again', async () => {
    const key = freshKey();
    const items = [
      { ...VALID, text: `batch a ${key}` },
      { ...VALID, to: 'bad' },
      { ...VALID, text: `batch b ${key}` },
    ];
    const first = await sut.submitBatch(items, undefined, { 'idempotency-key': key });
    const second = await sut.submitBatch(items, undefined, { 'idempotency-key': key });
    expect(first.status).toBe(202);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(first.body).toMatchObject({ accepted: 2, rejected: 1 });
    expect(await messagesWithText(`batch a ${key}`)).toBe(1);
    expect(await messagesWithText(`batch b ${key}`)).toBe(1);
  });

  it('does not spend a key on a request that failed validation', async () => {
    const key = freshKey();
    const invalid = await sut.submit({ ...VALID, to: 'nope' }, undefined, {
      'idempotency-key': key,
    });
    expect(invalid.status).toBe(400);
    const valid = await sut.submit({ ...VALID, text: `after 400 ${key}` }, undefined, {
      'idempotency-key': key,
    });
    expect(valid.status).toBe(202);
    expect(valid.headers.get('idempotent-replayed')).toBeNull();
  });

  it.each([
    ['too long', 'k'.repeat(256)],
    ['with a space', 'my key'],
    ['not ASCII', 'clé'],
    ['given twice', 'a, b'],
  ])('answers 400 idempotency_key_invalid for a key %s', async (_case, key) => {
    const answer = await sut.request('POST', '/v1/messages', {
      body: JSON.stringify(VALID),
      headers: { 'idempotency-key': key },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'Idempotency-Key', code: 'idempotency_key_invalid' }],
    });
  });
});

describe('ingress Idempotency-Key over time', () => {
  const clock = new ManualClock(Date.UTC(2026, 10, 26, 12));
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_idempotency_time', {}, () => undefined, clock);
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('holds a key for 24 hours, then lets it send again; the purge deletes expired keys', async () => {
    const key = 'daily-report';
    const body = { ...VALID, text: 'daily report' };
    const first = await sut.submit(body, undefined, { 'idempotency-key': key });
    clock.advance(IDEMPOTENCY_TTL_MS - 1);
    const withinDay = await sut.submit(body, undefined, { 'idempotency-key': key });
    expect(withinDay.body.id).toBe(first.body.id);

    clock.advance(2);
    const nextDay = await sut.submit(body, undefined, { 'idempotency-key': key });
    expect(nextDay.status).toBe(202);
    expect(nextDay.body.id).not.toBe(first.body.id);
    expect(nextDay.headers.get('idempotent-replayed')).toBeNull();

    await sut.prisma.idempotencyKey.create({
      data: {
        tenantId: 'acme',
        key: 'old',
        requestHash: 'x',
        response: {},
        createdAt: new Date(clock.now().getTime() - IDEMPOTENCY_TTL_MS - 1),
      },
    });
    expect(await sut.ingress.app.get(IdempotencyPurger).purge()).toBe(1);
    expect(await sut.prisma.idempotencyKey.findMany({ select: { key: true } })).toEqual([
      { key: 'daily-report' },
    ]);
  });
});

describe('ingress Idempotency-Key when the bus refuses the message', () => {
  let sut: IngressHarness;
  let bus: FlakyBusClient;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_idempotency_bus', {}, (target, broker) => {
      bus = new FlakyBusClient(broker);
      jest.spyOn(target, 'createClient').mockImplementation(() => bus);
    });
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('releases the key with the 503, so the retry with the same key sends', async () => {
    const key = freshKey();
    bus.failing = true;
    const refused: HttpAnswer = await sut.submit(VALID, undefined, { 'idempotency-key': key });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({ code: 'bus_unavailable' });
    expect(await sut.prisma.idempotencyKey.count({ where: { key } })).toBe(0);

    bus.failing = false;
    const retried = await sut.submit(VALID, undefined, { 'idempotency-key': key });
    expect(retried.status).toBe(202);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    // By id, not by time: both rows may be stamped within the same millisecond.
    const rows = await sut.prisma.message.findMany();
    const statusOf = (retriedOne: boolean) =>
      rows.filter((row) => (row.id === retried.body.id) === retriedOne).map((row) => row.status);
    expect(statusOf(false)).toEqual(['failed']);
    expect(statusOf(true)).toEqual(['accepted']);
    expect(sut.submittedIds()).toEqual([retried.body.id]);
  });

  it('stores the corrected batch answer when the bus refused its messages', async () => {
    const key = freshKey();
    bus.failing = true;
    const first = await sut.submitBatch([VALID, VALID], undefined, { 'idempotency-key': key });
    bus.failing = false;
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      accepted: 0,
      rejected: 2,
      results: [
        { index: 0, status: 'rejected', code: 'bus_unavailable' },
        { index: 1, status: 'rejected', code: 'bus_unavailable' },
      ],
    });
    const replay = await sut.submitBatch([VALID, VALID], undefined, { 'idempotency-key': key });
    expect(replay.body).toEqual(first.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });
});
