import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { ConfigError, adminKeyPrefix, generateAdminKey, hashApiKey } from '@tuxhat/config';
import type { PrismaClient } from '@tuxhat/database';

/** An admin key as listed: never the secret, never its hash. */
export interface AdminKeyView {
  readonly id: string;
  readonly prefix: string;
  readonly name: string;
  readonly createdAt: string;
  readonly revokedAt: string | null;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/;

/**
 * Operators' admin keys: created by the CLI (`scripts/admin-key.ts`) or bootstrapped from a
 * file at boot, never through the API itself (a leaked admin key cannot mint more). The name
 * is the actor of every audited change, so two active keys never share one.
 */
export class AdminKeyStore {
  constructor(private readonly prisma: PrismaClient) {}

  /** Creates a key; the returned `key` is the only time the secret exists outside its holder. */
  async create(name: string): Promise<{ key: string; view: AdminKeyView }> {
    assertName(name);
    const generated = generateAdminKey();
    return this.prisma.$transaction(async (tx) => {
      const clash = await tx.adminKey.findFirst({ where: { name, revokedAt: null } });
      if (clash)
        throw new ConfigError('admin key', [`name: an active key is already named "${name}"`]);
      const row = await tx.adminKey.create({
        data: {
          id: generated.prefix,
          prefix: generated.prefix,
          secretHash: generated.sha256,
          name,
        },
      });
      return { key: generated.key, view: viewOf(row) };
    });
  }

  async list(): Promise<AdminKeyView[]> {
    const rows = await this.prisma.adminKey.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(viewOf);
  }

  /** Revokes by prefix; false when there is no such key. Revoking twice keeps the first time. */
  async revoke(prefix: string, at: Date = new Date()): Promise<boolean> {
    const key = await this.prisma.adminKey.findUnique({ where: { prefix } });
    if (!key) return false;
    if (key.revokedAt === null) {
      await this.prisma.adminKey.update({ where: { prefix }, data: { revokedAt: at } });
    }
    return true;
  }

  /**
   * Makes the key in `file` a valid admin key (name `name`), creating the file (mode 0600)
   * with a new key when it does not exist and `createIfMissing` is set: all-in-one mode, like
   * the demo tenant key. A key that was revoked stays revoked. Returns the key's prefix.
   */
  async bootstrapFromFile(
    file: string,
    { name = 'bootstrap', createIfMissing }: { name?: string; createIfMissing: boolean },
  ): Promise<{ prefix: string; created: boolean }> {
    assertName(name);
    let created = false;
    if (!existsSync(file)) {
      if (!createIfMissing) {
        throw new ConfigError('environment', [
          `ADMIN_BOOTSTRAP_KEY_FILE: ${file} does not exist (create a key with scripts/admin-key.ts)`,
        ]);
      }
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${generateAdminKey().key}\n`, { mode: 0o600 });
      chmodSync(file, 0o600);
      created = true;
    }
    const key = readFileSync(file, 'utf8').trim();
    const prefix = adminKeyPrefix(key);
    if (!prefix) {
      throw new ConfigError('environment', [
        `ADMIN_BOOTSTRAP_KEY_FILE: ${file} does not hold an admin key (tha_...)`,
      ]);
    }
    const secretHash = hashApiKey(key);
    const existing = await this.prisma.adminKey.findUnique({ where: { prefix } });
    if (existing && existing.secretHash !== secretHash) {
      throw new ConfigError('environment', [
        `ADMIN_BOOTSTRAP_KEY_FILE: ${file} holds a key whose prefix ${prefix} is registered with another secret`,
      ]);
    }
    // Only the name follows the configuration: a revocation is not undone by a restart.
    await this.prisma.adminKey.upsert({
      where: { prefix },
      create: { id: prefix, prefix, secretHash, name },
      update: { name },
    });
    return { prefix, created };
  }
}

function assertName(name: string): void {
  if (!NAME.test(name)) {
    throw new ConfigError('admin key', [
      'name: 1 to 64 letters, digits, spaces or ._@- (it is shown as the actor in the audit log)',
    ]);
  }
}

function viewOf(row: {
  id: string;
  prefix: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}): AdminKeyView {
  return {
    id: row.id,
    prefix: row.prefix,
    name: row.name,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
