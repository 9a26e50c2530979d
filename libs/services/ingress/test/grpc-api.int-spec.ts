import { status } from '@grpc/grpc-js';
import { waitFor } from '@tuxhat/testing';

import { rejection } from './support/grpc-rejection';
import {
  GrpcMessagesClient,
  IngressHarness,
  type Json,
  statusEvent,
} from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

describe('ingress gRPC API (sms.v1.Messages)', () => {
  let sut: IngressHarness;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_grpc');
    await sut.withScopedKeys();
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('listens on the port it reports', () => {
    expect(sut.ingress.grpcUrl).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    expect(sut.ingress.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
  });

  it('submits like REST: stored, published, same answer', async () => {
    const reply = await sut.grpc().submit({ ...VALID, clientReference: 'grpc-1' });
    expect(reply).toEqual({
      id: expect.stringMatching(/^msg_/),
      status: 'accepted',
      encoding: 'gsm7',
      parts: 1,
    });
    const id = String(reply.id);
    const [event] = await sut.submitted.waitFor(1, (item) => item.message.messageId === id);
    expect(event.message).toMatchObject({
      tenantId: 'acme',
      destination: '+38267123456',
      clientReference: 'grpc-1',
    });
    const history = await sut.prisma.messageStatusEvent.findMany({ where: { messageId: id } });
    expect(history.map((row) => row.detail)).toEqual(['received via gRPC']);
  });

  it('gets a message with its history, and the same message over REST', async () => {
    const { id } = await sut.grpc().submit(VALID);
    sut.publishStatus([statusEvent(String(id), 'routed', { carrierId: 'sim', routeId: 'r1' })]);
    const client = sut.grpc();
    const message = await waitFor('the routed status to be projected', async () => {
      const current = await client.get(String(id));
      return current.status === 'routed' ? current : undefined;
    });

    expect(message).toEqual({
      id,
      to: '+38267123456',
      from: 'TuxHat',
      status: 'routed',
      statusDetail: '',
      encoding: 'gsm7',
      parts: 1,
      clientReference: '',
      priority: 'transactional',
      validUntil: '',
      scheduledAt: '',
      callbackUrl: '',
      metadata: {},
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      statusErrorCode: '',
      history: [
        {
          status: 'accepted',
          at: expect.any(String),
          detail: 'received via gRPC',
          source: 'ingress',
          errorCode: '',
        },
        { status: 'routed', at: expect.any(String), detail: '', source: 'test', errorCode: '' },
      ],
    });
    const rest = await sut.getMessage(String(id));
    expect(rest.body).toMatchObject({ id, status: 'routed', clientReference: null });
  });

  it("Get carries a rejected message's error code, at the top and in its history", async () => {
    const { id } = await sut.grpc().submit(VALID);
    sut.publishStatus([
      statusEvent(String(id), 'rejected', {
        source: 'policy',
        detail: 'outside the sending window 08:00-20:00',
        errorCode: 'outside-window',
      }),
    ]);
    const client = sut.grpc();
    const message = await waitFor('the rejection to be projected', async () => {
      const current = await client.get(String(id));
      return current.status === 'rejected' ? current : undefined;
    });

    expect(message).toMatchObject({
      status: 'rejected',
      statusDetail: 'outside the sending window 08:00-20:00',
      statusErrorCode: 'outside-window',
      history: [
        { status: 'accepted', errorCode: '' },
        { status: 'rejected', source: 'policy', errorCode: 'outside-window' },
      ],
    });
    // List has no history, but the current status's code (as in REST).
    const page = await client.list({ status: ['rejected'] });
    expect(page.items).toEqual([
      expect.objectContaining({ id, statusErrorCode: 'outside-window', history: [] }),
    ]);
  });

  it('answers UNAUTHENTICATED without a key or with a revoked one', async () => {
    for (const key of [null, sut.revokedKey.key, 'garbage']) {
      const error = await rejection(sut.grpc(key).submit(VALID));
      expect(error).toMatchObject({ code: status.UNAUTHENTICATED, errorCode: 'unauthorized' });
    }
  });

  it('answers INVALID_ARGUMENT with the field errors in the trailers', async () => {
    const error = await rejection(sut.grpc().submit({ ...VALID, to: '067123456', text: '' }));
    expect(error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      errorCode: 'validation_failed',
      fieldErrors: 'to=to_invalid,text=field_required',
    });
    expect(error.details).toContain('to:');
  });

  it('answers NOT_FOUND for an unknown id and for another tenant’s message', async () => {
    const { id } = await sut.grpc().submit(VALID);
    for (const [key, messageId] of [
      [sut.acme.key.key, 'msg_unknown'],
      [sut.other.key.key, String(id)],
    ]) {
      const error = await rejection(sut.grpc(key).get(messageId));
      expect(error).toMatchObject({ code: status.NOT_FOUND, errorCode: 'message_not_found' });
    }
  });

  it('submits every option, stored and published like REST', async () => {
    const scheduledAt = new Date(Date.now() + 3_600_000).toISOString();
    const reply = await sut.grpc().submit({
      ...VALID,
      priority: 'otp',
      validityPeriod: 600,
      scheduledAt,
      callbackUrl: 'https://hooks.example.org/dlr',
      metadata: { campaign: 'spring', team: 'payments' },
    });
    const id = String(reply.id);
    const message = await sut.grpc().get(id);
    expect(message).toMatchObject({
      priority: 'otp',
      scheduledAt,
      validUntil: new Date(Date.parse(scheduledAt) + 600_000).toISOString(),
      callbackUrl: 'https://hooks.example.org/dlr',
      metadata: { campaign: 'spring', team: 'payments' },
    });
    expect(sut.submittedIds()).toContain(id);
  });

  it('SubmitBatch answers every item in its place', async () => {
    const reply = await sut.grpc().submitBatch({
      messages: [VALID, { ...VALID, to: 'nope' }, { ...VALID, text: '€uro' }],
    });
    expect(reply).toMatchObject({ accepted: 2, rejected: 1 });
    const results = reply.results as Json[];
    expect(results.map((result) => [result.index, result.status, result.code])).toEqual([
      [0, 'accepted', ''],
      [1, 'rejected', 'validation_failed'],
      [2, 'accepted', ''],
    ]);
    expect(results[1].errors).toEqual([
      { field: 'to', code: 'to_invalid', message: expect.any(String) },
    ]);
    expect(results[2]).toMatchObject({ encoding: 'gsm7', parts: 1 });
  });

  it('SubmitBatch refuses more than 1,000 messages', async () => {
    const error = await rejection(
      sut.grpc().submitBatch({ messages: Array.from({ length: 1_001 }, () => VALID) }),
    );
    expect(error).toMatchObject({ code: status.INVALID_ARGUMENT, errorCode: 'batch_too_large' });
  });

  it('List pages through the tenant’s messages with a cursor', async () => {
    const client = sut.grpc(sut.listerKey.key);
    for (let index = 0; index < 3; index++)
      await client.submit({ ...VALID, text: `list ${index}` });
    const first = await client.list({ limit: 2 });
    expect((first.items as Json[]).map((item) => item.history)).toEqual([[], []]);
    expect(first.nextCursor).not.toBe('');
    const second = await client.list({ limit: 2, cursor: first.nextCursor });
    expect(second.items).toHaveLength(1);
    expect(second.nextCursor).toBe('');
    const error = await rejection(client.list({ cursor: 'not-a-cursor!' }));
    expect(error).toMatchObject({
      code: status.INVALID_ARGUMENT,
      fieldErrors: 'cursor=cursor_invalid',
    });
  });

  it('GetUsage answers the month without a quota', async () => {
    const usage = await sut.grpc().usage({ month: '2026-01' });
    expect(usage).toEqual({
      month: '2026-01',
      timeZone: 'UTC',
      messages: 0,
      parts: 0,
      hasQuota: false,
      quotaMessages: -1,
      quotaParts: -1,
      remainingMessages: -1,
      remainingParts: -1,
      records: { messages: 0, parts: 0, byStatus: {}, chargedMessages: 0, price: [] },
    });
  });

  it('StreamStatus streams the tenant’s status events as they are projected', async () => {
    const client = sut.grpc();
    const stream = await client.streamStatus();
    const { id } = await client.submit(VALID);
    const event = statusEvent(String(id), 'delivered', { carrierId: 'sim', errorCode: '000' });
    sut.publishStatus([event]);
    await waitFor('the event on the stream', () => stream.events.length === 1 || undefined);
    expect(stream.events).toEqual([
      {
        eventId: event.eventId,
        messageId: id,
        status: 'delivered',
        detail: '',
        source: 'test',
        occurredAt: event.occurredAt,
        carrierId: 'sim',
        errorCode: '000',
      },
    ]);
    // A redelivered event is in the history already: not streamed again.
    sut.publishStatus([event, statusEvent(String(id), 'delivered')]);
    await waitFor('the second event', () => stream.events.length === 2 || undefined);
    expect(stream.events[1].eventId).not.toBe(event.eventId);
    stream.cancel();
    expect((await stream.ended)?.code).toBe(status.CANCELLED);
  });

  it('answers PERMISSION_DENIED for a read-only key on Submit, a send-only key on reads', async () => {
    const readOnly = sut.grpc(sut.readOnlyKey.key);
    expect(await rejection(readOnly.submit(VALID))).toMatchObject({
      code: status.PERMISSION_DENIED,
      errorCode: 'insufficient_scope',
    });
    const sendOnly = sut.grpc(sut.sendOnlyKey.key);
    const { id } = await sendOnly.submit(VALID);
    for (const call of [
      sendOnly.get(String(id)),
      sendOnly.list({}),
      sendOnly.usage(),
      sendOnly.streamStatus(),
    ]) {
      expect(await rejection(call)).toMatchObject({
        code: status.PERMISSION_DENIED,
        errorCode: 'insufficient_scope',
      });
    }
    expect(await readOnly.get(String(id))).toMatchObject({ id });
  });

  it('replays an idempotent Submit and says so in the response headers', async () => {
    const client = sut.grpc(sut.acme.key.key, { 'idempotency-key': 'grpc-key-1' });
    const first = await client.unary('Submit', VALID);
    const second = await client.unary('Submit', VALID);
    expect(second.reply).toEqual(first.reply);
    expect(first.headers.get('idempotent-replayed')).toEqual([]);
    expect(second.headers.get('idempotent-replayed')).toEqual(['true']);
    expect(await rejection(client.submit({ ...VALID, text: 'other' }))).toMatchObject({
      code: status.FAILED_PRECONDITION,
      errorCode: 'idempotency_key_reused',
    });
    const bad = sut.grpc(sut.acme.key.key, { 'idempotency-key': 'x'.repeat(256) });
    expect(await rejection(bad.submit(VALID))).toMatchObject({
      code: status.INVALID_ARGUMENT,
      fieldErrors: 'Idempotency-Key=idempotency_key_invalid',
    });
  });

  it('ends open status streams cleanly when the service closes', async () => {
    const replica = await sut.startReplica();
    const client = new GrpcMessagesClient(replica.grpcUrl, sut.acme.key.key);
    try {
      const stream = await client.streamStatus();
      await replica.close();
      expect(await stream.ended).toBeNull();
    } finally {
      client.close();
    }
  });
});
