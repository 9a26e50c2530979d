import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, generateAdminKey } from '@tuxhat/config';
import { systemClock } from '@tuxhat/runtime';
import { createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import { AdminKeyStore } from '../src';
import { AdminChanges } from '../src/core/admin-changes';
import { AdminKeyAuthenticator } from '../src/core/admin-key.authenticator';

describe(AdminChanges.name, () => {
  let db: TestDatabase;
  let sut: AdminChanges;
  const actor = { keyId: 'tha_test0000', name: 'ops-test' };

  beforeAll(async () => {
    db = await createTestDatabase('admin_changes');
    sut = new AdminChanges(db.database.prisma, systemClock);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const revision = async () =>
    (await db.database.prisma.configRevision.findUniqueOrThrow({ where: { id: 1 } })).revision;

  it('commits the change, its audit rows and the revision bump together', async () => {
    const before = await revision();
    const result = await sut.apply(actor, async (tx) => {
      await tx.tenant.create({ data: { id: 'together', name: 'Together' } });
      return {
        result: 'done',
        audit: {
          action: 'tenant.create',
          entity: 'tenant',
          entityId: 'together',
          before: null,
          after: { id: 'together', secret: 'x' },
        },
      };
    });
    expect(result).toBe('done');
    expect(await revision()).toBe(before + 1n);
    const [row] = await db.database.prisma.auditLog.findMany({ where: { entityId: 'together' } });
    // The safety net: a secret a view forgot is redacted on the way in.
    expect(row).toMatchObject({
      actor: 'ops-test',
      after: { id: 'together', secret: '[redacted]' },
    });
  });

  it('rolls everything back when the change fails', async () => {
    const before = await revision();
    await expect(
      sut.apply(actor, async (tx) => {
        await tx.tenant.create({ data: { id: 'rolled-back', name: 'Rolled back' } });
        throw new Error('half way');
      }),
    ).rejects.toThrow('half way');
    expect(await db.database.prisma.tenant.count({ where: { id: 'rolled-back' } })).toBe(0);
    expect(await revision()).toBe(before);
  });

  it('writes nothing and reloads nothing for a no-op', async () => {
    const before = await revision();
    const audits = await db.database.prisma.auditLog.count();
    await sut.apply(actor, async () => ({ result: null, audit: [] }));
    expect(await revision()).toBe(before);
    expect(await db.database.prisma.auditLog.count()).toBe(audits);
  });

  it('serialises concurrent changes, so every audit row says what it really replaced', async () => {
    await db.database.prisma.tenant.create({ data: { id: 'counter', name: '0' } });
    await Promise.all(
      Array.from({ length: 8 }, () =>
        sut.apply(actor, async (tx) => {
          const current = await tx.tenant.findUniqueOrThrow({ where: { id: 'counter' } });
          const next = String(Number(current.name) + 1);
          await tx.tenant.update({ where: { id: 'counter' }, data: { name: next } });
          return {
            result: next,
            audit: {
              action: 'tenant.update',
              entity: 'tenant',
              entityId: 'counter',
              before: { name: current.name },
              after: { name: next },
            },
          };
        }),
      ),
    );
    const rows = await db.database.prisma.auditLog.findMany({
      where: { entityId: 'counter' },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((row) => [row.before, row.after])).toEqual(
      Array.from({ length: 8 }, (_, index) => [
        { name: String(index) },
        { name: String(index + 1) },
      ]),
    );
  });
});

describe(AdminKeyStore.name, () => {
  let db: TestDatabase;
  let sut: AdminKeyStore;
  let dir: string;

  beforeAll(async () => {
    db = await createTestDatabase('admin_keys');
    sut = new AdminKeyStore(db.database.prisma);
    dir = mkdtempSync(join(tmpdir(), 'tuxhat-admin-key-'));
  });

  afterAll(async () => {
    await db?.drop();
  });

  const authenticate = (key: string) =>
    new AdminKeyAuthenticator(db.database.prisma, systemClock).authenticate(`Bearer ${key}`);

  it('creates a key that authenticates under its name, stored as a hash only', async () => {
    const { key, view } = await sut.create('ops-carol');
    expect(await authenticate(key)).toEqual({ keyId: view.id, name: 'ops-carol' });
    const row = await db.database.prisma.adminKey.findUniqueOrThrow({ where: { id: view.id } });
    expect(JSON.stringify(row)).not.toContain(key);
    expect(await sut.list()).toEqual(expect.arrayContaining([view]));
  });

  it('refuses a second active key with the same name, and a name it cannot audit', async () => {
    await sut.create('ops-dave');
    await expect(sut.create('ops-dave')).rejects.toBeInstanceOf(ConfigError);
    await expect(sut.create('')).rejects.toBeInstanceOf(ConfigError);
    await expect(sut.create('x'.repeat(65))).rejects.toBeInstanceOf(ConfigError);
  });

  it('revokes by prefix, keeping the first revocation time', async () => {
    const { key, view } = await sut.create('ops-erin');
    expect(await sut.revoke(view.prefix, new Date('2026-11-26T00:00:00Z'))).toBe(true);
    expect(await sut.revoke(view.prefix, new Date('2026-12-01T00:00:00Z'))).toBe(true);
    expect((await sut.list()).find((item) => item.id === view.id)?.revokedAt).toBe(
      '2026-11-26T00:00:00.000Z',
    );
    await expect(authenticate(key)).rejects.toMatchObject({ code: 'unauthorized' });
    expect(await sut.revoke('tha_00000000')).toBe(false);
  });

  it('bootstraps from a file: creates it (0600) when asked, registers its key once', async () => {
    const file = join(dir, 'nested', 'admin-api-key');
    const first = await sut.bootstrapFromFile(file, { createIfMissing: true });
    expect(first.created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8').trim();
    expect(await authenticate(key)).toMatchObject({ name: 'bootstrap' });

    const again = await sut.bootstrapFromFile(file, { name: 'ops-root', createIfMissing: true });
    expect(again).toEqual({ prefix: first.prefix, created: false });
    expect(await authenticate(key)).toMatchObject({ name: 'ops-root' });
  });

  it('keeps a revoked bootstrap key revoked across restarts', async () => {
    const file = join(dir, 'revoked-key');
    const { prefix } = await sut.bootstrapFromFile(file, { createIfMissing: true });
    await sut.revoke(prefix);
    await sut.bootstrapFromFile(file, { createIfMissing: true });
    await expect(authenticate(readFileSync(file, 'utf8').trim())).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('stops the boot with the variable named for a missing, malformed or conflicting file', async () => {
    await expect(
      sut.bootstrapFromFile(join(dir, 'absent'), { createIfMissing: false }),
    ).rejects.toThrow(/ADMIN_BOOTSTRAP_KEY_FILE: .*does not exist/);
    const malformed = join(dir, 'malformed');
    writeFileSync(malformed, generateAdminKey().key.replace('tha_', 'thk_'));
    await expect(sut.bootstrapFromFile(malformed, { createIfMissing: false })).rejects.toThrow(
      /does not hold an admin key/,
    );
    const registered = join(dir, 'registered');
    const { prefix } = await sut.bootstrapFromFile(registered, { createIfMissing: true });
    writeFileSync(registered, `${prefix}_${'B'.repeat(43)}\n`);
    await expect(sut.bootstrapFromFile(registered, { createIfMissing: false })).rejects.toThrow(
      /registered with another secret/,
    );
  });
});
