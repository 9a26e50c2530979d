import { ConfigSnapshot } from '@tuxhat/runtime';
import { waitFor } from '@tuxhat/testing';

import { AdminHarness } from './support/admin-harness';

interface AuditItem {
  id: string;
  actor: string;
  action: string;
  entity: string;
  entityId: string;
  before: unknown;
  after: unknown;
  at: string;
}

describe('admin API: audit log and hot reload', () => {
  let sut: AdminHarness;

  beforeAll(async () => {
    sut = await AdminHarness.start('admin_audit');
  });

  afterAll(async () => {
    await sut?.close();
  });

  const items = (body: Record<string, unknown>) => body.items as AuditItem[];

  it("answers one entity's changes newest first, with who, what, before and after", async () => {
    await sut.post('/admin/v1/tenants', { id: 'audited', name: 'Audited' });
    await sut.patch('/admin/v1/tenants/audited', { status: 'suspended' });
    await sut.post('/admin/v1/tenants', { id: 'bystander', name: 'Bystander' });

    const answer = await sut.get('/admin/v1/audit?entity=tenant&entityId=audited');
    expect(answer.status).toBe(200);
    expect(items(answer.body)).toEqual([
      {
        id: expect.stringMatching(/^\d+$/),
        actor: 'ops-alice',
        action: 'tenant.update',
        entity: 'tenant',
        entityId: 'audited',
        before: expect.objectContaining({ status: 'active' }),
        after: expect.objectContaining({ status: 'suspended' }),
        at: expect.any(String),
      },
      expect.objectContaining({ action: 'tenant.create', before: null }),
    ]);
    expect(answer.body.nextCursor).toBeNull();
  });

  it('names the key that made each change', async () => {
    const bob = await sut.createAdminKey('ops-bob');
    await sut.post('/admin/v1/tenants', { id: 'by-bob', name: 'By Bob' }, { key: bob });
    const answer = await sut.get('/admin/v1/audit?entityId=by-bob');
    expect(items(answer.body).map((item) => item.actor)).toEqual(['ops-bob']);
    const byActor = await sut.get('/admin/v1/audit?actor=ops-bob');
    expect(items(byActor.body).every((item) => item.actor === 'ops-bob')).toBe(true);
  });

  it('filters by time (since inclusive, until exclusive) and action', async () => {
    const future = new Date(Date.now() + 86_400_000);
    sut.pinnedTime = future;
    try {
      await sut.post('/admin/v1/tenants', { id: 'late', name: 'Late' });
    } finally {
      sut.pinnedTime = null;
    }
    const since = await sut.get(`/admin/v1/audit?since=${future.toISOString()}`);
    expect(items(since.body).map((item) => [item.entityId, item.at])).toEqual([
      ['late', future.toISOString()],
    ]);
    const until = await sut.get(`/admin/v1/audit?until=${future.toISOString()}`);
    expect(items(until.body).map((item) => item.entityId)).not.toContain('late');
    expect(items(until.body).length).toBeGreaterThan(0);
    const updates = await sut.get('/admin/v1/audit?action=tenant.update');
    expect(items(updates.body).length).toBeGreaterThan(0);
    expect(items(updates.body).every((item) => item.action === 'tenant.update')).toBe(true);
  });

  it('pages through the whole log with the cursor, each row once', async () => {
    for (let index = 0; index < 5; index++) {
      await sut.post('/admin/v1/tenants', { id: `paged-${index}`, name: `Paged ${index}` });
    }
    const total = await sut.prisma.auditLog.count();
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await sut.get(`/admin/v1/audit?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      expect(items(page.body).length).toBeLessThanOrEqual(2);
      seen.push(...items(page.body).map((item) => item.id));
      cursor = page.body.nextCursor as string | null;
    } while (cursor);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...seen].sort((a, b) => Number(BigInt(b) - BigInt(a)))).toEqual(seen);
  });

  it.each([
    ['since=yesterday', 'since', 'field_invalid'],
    ['until=2026-13-01T00:00:00Z', 'until', 'field_invalid'],
    ['cursor=%%%', 'cursor', 'cursor_invalid'],
    ['limit=-1', 'limit', 'field_invalid'],
    ['entity=', 'entity', 'field_invalid'],
    ['who=me', 'who', 'unknown_field'],
  ])('rejects the query %s: 400 validation_failed', async (query, field, code) => {
    const answer = await sut.get(`/admin/v1/audit?${query}`);
    expect(answer).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [expect.objectContaining({ field, code })] },
    });
  });

  it('requires an admin key', async () => {
    expect((await sut.get('/admin/v1/audit', { key: null })).status).toBe(401);
  });

  it('reaches a running ConfigSnapshot within about a second, without anyone calling refresh', async () => {
    await sut.post('/admin/v1/tenants', { id: 'hot', name: 'Hot' });
    await sut.post('/admin/v1/tenants', { id: 'cold', name: 'Cold' });
    // What a service holds in memory: tenants' states, reloaded when the revision moves.
    const snapshot = new ConfigSnapshot(sut.prisma, {
      name: 'tenant states (test)',
      pollMs: 100,
      load: async (prisma) =>
        new Map(
          (await prisma.tenant.findMany({ select: { id: true, status: true } })).map((row) => [
            row.id,
            row.status,
          ]),
        ),
    });
    await snapshot.start();
    try {
      expect(snapshot.current.get('hot')).toBe('active');
      const changedAt = Date.now();
      await sut.patch('/admin/v1/tenants/hot', { status: 'suspended' });
      await waitFor(
        'the snapshot to see the suspension',
        () => (snapshot.current.get('hot') === 'suspended' ? true : undefined),
        { timeoutMs: 5_000, intervalMs: 20 },
      );
      expect(Date.now() - changedAt).toBeLessThan(2_000);
      // The change is this tenant's only.
      expect(snapshot.current.get('cold')).toBe('active');
    } finally {
      snapshot.stop();
    }
  });
});
