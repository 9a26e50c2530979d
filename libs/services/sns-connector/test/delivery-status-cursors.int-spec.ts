import { randomUUID } from 'node:crypto';

import { type TestDatabase, createTestDatabase } from '@tuxhat/testing';

import { DeliveryStatusCursors } from '../src/delivery-status-cursors.repository';

describe(DeliveryStatusCursors.name, () => {
  let db: TestDatabase;
  let cursors: DeliveryStatusCursors;

  beforeAll(async () => {
    db = await createTestDatabase('sns_delivery_status_cursors');
    cursors = new DeliveryStatusCursors(db.database.prisma);
  });
  afterAll(() => db.drop());

  /** A log group no other test uses. */
  const newGroup = () => `sns/eu-west-1/${randomUUID()}/DirectPublishToPhoneNumber`;
  const at = (iso: string) => new Date(iso);

  it('starts a group never read at the given time, and lets one pod at a time read it', async () => {
    const group = newGroup();
    expect(await cursors.claim(group, 'pod-a', 30_000, at('2026-11-29T12:00:00.000Z'))).toEqual(
      at('2026-11-29T12:00:00.000Z'),
    );
    // Pod b waits while a's lease lives; a renews its own.
    expect(await cursors.claim(group, 'pod-b', 30_000, at('2026-11-29T13:00:00.000Z'))).toBe(
      undefined,
    );
    expect(await cursors.claim(group, 'pod-a', 30_000, at('2026-11-29T13:00:00.000Z'))).toEqual(
      at('2026-11-29T12:00:00.000Z'),
    );
  });

  it("moves the cursor forward only, and only for the lease's holder", async () => {
    const group = newGroup();
    await cursors.claim(group, 'pod-a', 30_000, at('2026-11-29T12:00:00.000Z'));
    expect(await cursors.advance(group, 'pod-a', at('2026-11-29T12:00:05.250Z'))).toBe(true);
    expect(await cursors.advance(group, 'pod-a', at('2026-11-29T12:00:01.000Z'))).toBe(true);
    expect(await cursors.advance(group, 'pod-b', at('2026-11-29T12:30:00.000Z'))).toBe(false);
    expect(await cursors.claim(group, 'pod-a', 30_000, new Date())).toEqual(
      at('2026-11-29T12:00:05.250Z'),
    );
  });

  it("hands a group to another pod once its holder's lease lapsed, at the holder's cursor", async () => {
    const group = newGroup();
    // A lease that ended a second ago (the database's clock), as a dead pod's does.
    await cursors.claim(group, 'pod-a', -1_000, at('2026-11-29T12:00:00.000Z'));
    await cursors.advance(group, 'pod-a', at('2026-11-29T12:00:07.000Z'));
    expect(await cursors.claim(group, 'pod-b', 30_000, new Date())).toEqual(
      at('2026-11-29T12:00:07.000Z'),
    );
    // The old holder lost it: its cursor move is refused.
    expect(await cursors.advance(group, 'pod-a', at('2026-11-29T12:01:00.000Z'))).toBe(false);
  });

  it('hands the groups a pod releases to another pod at once, and no others', async () => {
    const [released, kept] = [newGroup(), newGroup()];
    await cursors.claim(released, 'pod-a', 30_000, at('2026-11-29T12:00:00.000Z'));
    await cursors.claim(kept, 'pod-a', 30_000, at('2026-11-29T12:00:00.000Z'));
    // Releasing another pod's lease does nothing.
    await cursors.release([released], 'pod-b');
    expect(await cursors.claim(released, 'pod-b', 30_000, new Date())).toBe(undefined);

    await cursors.release([released], 'pod-a');
    expect(await cursors.claim(released, 'pod-b', 30_000, new Date())).toEqual(
      at('2026-11-29T12:00:00.000Z'),
    );
    expect(await cursors.claim(kept, 'pod-b', 30_000, new Date())).toBe(undefined);
  });
});
