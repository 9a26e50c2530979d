import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

import { findMigrationsDir, migrate, readMigrations } from './migrations';

/** Templates of other migration sets are removed once unused this long. */
const UNUSED_TEMPLATE_MS = 24 * 60 * 60 * 1000;

/**
 * Starts a new PGlite data directory as a copy of a migrated, empty database kept as a tarball
 * in `cacheDir`, made the first time (and again whenever the migrations change): for test runs
 * and benches, which make dozens of databases. Measured with createDatabase on the result (an
 * ad-hoc script, 3 runs each): 1.5 s against 2.3 s for a new directory migrated at boot on a
 * fast 2-core machine; the migrations' share grows on slow machines (a fresh database took
 * 9.5 s on one). The result is what migrating a new directory gives; the gateway's own boot
 * still migrates (and finds nothing left to do).
 */
export async function seedPgliteDataDir(
  dataDir: string,
  cacheDir: string,
  migrationsDir: string = findMigrationsDir(),
): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new Error(`${dataDir} holds a database already: only a new directory is seeded`);
  }
  const template = join(cacheDir, `pglite-${await templateKey(migrationsDir)}.tar`);
  if (existsSync(template)) {
    const now = new Date();
    utimesSync(template, now, now);
  } else {
    await makeTemplate(template, migrationsDir);
  }
  const pglite = await PGlite.create({
    dataDir,
    loadDataDir: new Blob([readFileSync(template)]),
  });
  await pglite.close();
}

/** What the template depends on: PGlite's version and every migration's name and script. */
async function templateKey(migrationsDir: string): Promise<string> {
  const hash = createHash('sha256').update(pgliteVersion());
  for (const migration of await readMigrations(migrationsDir)) {
    hash.update(`\0${migration.name}\0${migration.checksum}`);
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * Migrates a database in a scratch directory and dumps it; written under a temporary name and
 * renamed, so a concurrent user sees a complete template or none. The dump is taken from a
 * directory no gateway lock file was ever in (openPglite's would be copied with it).
 */
async function makeTemplate(template: string, migrationsDir: string): Promise<void> {
  const cacheDir = dirname(template);
  mkdirSync(cacheDir, { recursive: true });
  const scratch = mkdtempSync(join(cacheDir, 'scratch-'));
  try {
    const pglite = await PGlite.create({ dataDir: join(scratch, 'data') });
    try {
      await migrate({ pglite }, { migrationsDir });
      const dump = await pglite.dumpDataDir('none');
      writeFileSync(join(scratch, 'template.tar'), Buffer.from(await dump.arrayBuffer()));
    } finally {
      await pglite.close();
    }
    renameSync(join(scratch, 'template.tar'), template);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  removeUnusedTemplates(cacheDir, template);
}

function removeUnusedTemplates(cacheDir: string, keep: string): void {
  for (const name of readdirSync(cacheDir)) {
    const path = join(cacheDir, name);
    if (path === keep || !/^pglite-[0-9a-f]+\.tar$/.test(name)) continue;
    if (Date.now() - statSync(path).mtimeMs > UNUSED_TEMPLATE_MS) rmSync(path, { force: true });
  }
}

function pgliteVersion(): string {
  // The package's exports do not include its package.json: find it above the entry point.
  for (let dir = dirname(require.resolve('@electric-sql/pglite')); ; dir = dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (name === '@electric-sql/pglite' && version) return version;
    }
    if (dirname(dir) === dir) throw new Error('cannot find the version of @electric-sql/pglite');
  }
}
