import { status } from '@grpc/grpc-js';
import { waitFor } from '@tuxhat/testing';

import { encodeCursor } from '../src/list-query.validation';
import { rejection } from './support/grpc-rejection';
import { IngressHarness, type Json, statusEvent } from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Only for tenant A' };

/** Tenant A is `acme`, tenant B is `other`. */
describe('ingress tenant isolation', () => {
  let sut: IngressHarness;
  let aId: string;

  beforeAll(async () => {
    sut = await IngressHarness.start('ingress_isolation');
    aId = String((await sut.submit({ ...VALID, clientReference: 'a-secret' })).body.id);
  });

  afterAll(async () => {
    await sut?.close();
  });

  it('B cannot read A’s message: 404, indistinguishable from an unknown id (REST and gRPC)', async () => {
    const foreign = await sut.getMessage(aId, sut.other.key.key);
    const unknown = await sut.getMessage('msg_01JDZZZZZZZZZZZZZZZZZZZZZZ', sut.other.key.key);
    expect(foreign.status).toBe(404);
    expect({ ...foreign.body, detail: null }).toEqual({ ...unknown.body, detail: null });
    expect(JSON.stringify(foreign.body)).not.toContain('a-secret');

    const grpcForeign = await rejection(sut.grpc(sut.other.key.key).get(aId));
    const grpcUnknown = await rejection(sut.grpc(sut.other.key.key).get('msg_unknown'));
    expect(grpcForeign.code).toBe(status.NOT_FOUND);
    expect(grpcForeign.errorCode).toBe(grpcUnknown.errorCode);
  });

  it('B cannot list A’s messages, with any filter or a cursor forged from A’s message', async () => {
    for (const query of ['', 'to=%2B38267123456', 'status=accepted', 'from=TuxHat']) {
      const listed = await sut.list(query, sut.other.key.key);
      expect(listed.status).toBe(200);
      expect((listed.body.items as Json[]).map((item) => item.id)).not.toContain(aId);
    }
    const row = await sut.prisma.message.findUniqueOrThrow({ where: { id: aId } });
    const forged = encodeCursor({ createdAt: new Date(row.createdAt.getTime() + 1), id: aId });
    const page = await sut.list(`cursor=${forged}`, sut.other.key.key);
    expect((page.body.items as Json[]).map((item) => item.id)).not.toContain(aId);
    const grpcPage = await sut.grpc(sut.other.key.key).list({});
    expect((grpcPage.items as Json[]).map((item) => item.id)).not.toContain(aId);
  });

  it('B’s status stream never carries A’s events', async () => {
    const aStream = await sut.grpc(sut.acme.key.key).streamStatus();
    const bStream = await sut.grpc(sut.other.key.key).streamStatus();
    const bId = String((await sut.submit(VALID, sut.other.key.key)).body.id);
    sut.publishStatus([
      statusEvent(aId, 'routed'),
      statusEvent(bId, 'routed', { tenantId: 'other' }),
    ]);
    await waitFor('both streams to get their event', () =>
      aStream.events.length >= 1 && bStream.events.length >= 1 ? true : undefined,
    );
    // The next event of A's proves B would have had time to see A's first one too.
    sut.publishStatus([statusEvent(aId, 'sent')]);
    await waitFor('A’s second event', () => (aStream.events.length >= 2 ? true : undefined));
    expect(aStream.events.map((event) => event.messageId)).toEqual([aId, aId]);
    expect(bStream.events.map((event) => event.messageId)).toEqual([bId]);
    aStream.cancel();
    bStream.cancel();
  });

  it('B’s Idempotency-Key never collides with A’s', async () => {
    const key = 'shared-key';
    const a = await sut.submit(VALID, sut.acme.key.key, { 'idempotency-key': key });
    const b = await sut.submit({ ...VALID, text: 'B' }, sut.other.key.key, {
      'idempotency-key': key,
    });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect(b.body.id).not.toBe(a.body.id);
    const bRow = await sut.prisma.message.findUniqueOrThrow({ where: { id: String(b.body.id) } });
    expect(bRow).toMatchObject({ tenantId: 'other', body: 'B' });
  });

  it('a status event naming B for A’s message does not affect A’s message', async () => {
    const before = await sut.prisma.message.findUniqueOrThrow({ where: { id: aId } });
    const forged = statusEvent(aId, 'failed', { tenantId: 'other' });
    sut.publishStatus([forged, statusEvent(aId, 'delivered')]);
    await waitFor('the genuine event', async () => {
      const row = await sut.prisma.message.findUniqueOrThrow({ where: { id: aId } });
      return row.status === 'delivered' ? row : undefined;
    });
    expect(before.tenantId).toBe('acme');
    expect(await sut.prisma.messageStatusEvent.count({ where: { eventId: forged.eventId } })).toBe(
      0,
    );
  });

  it('B’s usage shows none of A’s', async () => {
    await sut.prisma.tenantUsage.create({
      data: { tenantId: 'acme', month: '2026-11', messages: 10, parts: 12 },
    });
    const b = await sut.request('GET', '/v1/usage?month=2026-11', { key: sut.other.key.key });
    expect(b.body).toMatchObject({ messages: 0, parts: 0 });
  });
});
