import type { PrismaClient } from '@tuxhat/database';
import { systemClock } from '@tuxhat/runtime';
import { createTestDatabase, createTestPglite } from '@tuxhat/testing';

import { MessageWriter, isRowError } from '../src/message-writer';
import { newMessage } from '../src/new-message.fixture';
import { type NewMessage, SubmissionRepository } from '../src/submission.repository';

const message = (tenantId: string, extra: Partial<NewMessage> = {}): NewMessage =>
  newMessage({ tenantId, ...extra });

// A fresh PGlite (initdb and every migration, in WASM) takes about 30 s on a 2-core machine,
// and over a minute when the machine is slow.
jest.setTimeout(180_000);

/** The group commit's SQL on both databases the gateway runs on. */
const backends: {
  name: string;
  open: () => Promise<{ prisma: PrismaClient; close: () => Promise<void> }>;
}[] = [
  {
    name: 'PostgreSQL',
    open: async () => {
      const db = await createTestDatabase('ingress_writer');
      return { prisma: db.database.prisma, close: () => db.drop() };
    },
  },
  {
    name: 'PGlite',
    open: async () => {
      const embedded = await createTestPglite('ingress-writer');
      return { prisma: embedded.database.prisma, close: () => embedded.drop() };
    },
  },
];

describe.each(backends)(`${MessageWriter.name} on $name`, (backend) => {
  let db: { prisma: PrismaClient; close: () => Promise<void> };
  let sut: MessageWriter;

  beforeAll(async () => {
    db = await backend.open();
    await db.prisma.tenant.create({ data: { id: 'acme', name: 'acme' } });
    sut = new MessageWriter(new SubmissionRepository(db.prisma), systemClock);
  });

  afterAll(async () => {
    await db?.close();
  });

  it('writes every column of the message and its first history row', async () => {
    const row = message('acme', {
      clientReference: 'ref-1',
      priority: 'otp',
      validUntil: '2026-11-26T10:00:00.123Z',
      scheduledAt: '2026-11-26T09:00:00.000Z',
      callbackUrl: 'https://hooks.example.org/x?y=1',
      metadata: { campaign: 'spring', 'a.b': 'ü€' },
      body: 'Grüße 🙂',
      encoding: 'ucs2',
    });
    await expect(sut.write({ messages: [row] })).resolves.toEqual({ kind: 'written' });
    const stored = await db.prisma.message.findUniqueOrThrow({
      where: { id: row.id },
      include: { statusEvents: true },
    });
    expect(stored).toMatchObject({
      tenantId: 'acme',
      body: 'Grüße 🙂',
      encoding: 'ucs2',
      status: 'accepted',
      clientReference: 'ref-1',
      priority: 'otp',
      validUntil: new Date('2026-11-26T10:00:00.123Z'),
      scheduledAt: new Date('2026-11-26T09:00:00.000Z'),
      callbackUrl: 'https://hooks.example.org/x?y=1',
      metadata: { campaign: 'spring', 'a.b': 'ü€' },
      createdAt: new Date(row.createdAt),
      updatedAt: new Date(row.createdAt),
    });
    expect(stored.statusEvents).toEqual([
      expect.objectContaining({
        eventId: row.acceptedEventId,
        status: 'accepted',
        detail: 'received via test',
        source: 'ingress',
        occurredAt: new Date(row.createdAt),
      }),
    ]);
  });

  it('fails only the request whose row the database refuses, not the others of its batch', async () => {
    const good = [message('acme'), message('acme')];
    const results = await Promise.allSettled([
      sut.write({ messages: [good[0]] }),
      sut.write({ messages: [message('no-such-tenant')] }),
      sut.write({ messages: [good[1]] }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const refusal = (results[1] as PromiseRejectedResult).reason as unknown;
    expect(isRowError(refusal)).toBe(true);
    expect(
      await db.prisma.message.count({ where: { id: { in: good.map((row) => row.id) } } }),
    ).toBe(2);
  });

  it('writes a 1,000-message request and its claim in one statement', async () => {
    const rows = Array.from({ length: 1_000 }, () => message('acme'));
    const outcome = await sut.write({
      messages: rows,
      claim: {
        tenantId: 'acme',
        key: 'bulk-1',
        requestHash: 'h1',
        response: { status: 202, body: { accepted: 1_000 } },
      },
    });
    expect(outcome).toEqual({ kind: 'written' });
    expect(
      await db.prisma.message.count({ where: { id: { in: rows.map((row) => row.id) } } }),
    ).toBe(1_000);
    // The same key again: nothing written, the stored answer comes back.
    const again = await sut.write({
      messages: [message('acme')],
      claim: {
        tenantId: 'acme',
        key: 'bulk-1',
        requestHash: 'h2',
        response: { status: 202, body: {} },
      },
    });
    expect(again).toEqual({
      kind: 'claimed',
      requestHash: 'h1',
      response: { status: 202, body: { accepted: 1_000 } },
    });
  });
});
