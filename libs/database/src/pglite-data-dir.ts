import { PGlite } from '@electric-sql/pglite';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * PGlite is PostgreSQL compiled to WASM, running inside this process: it has no server that
 * would stop a second process from opening the same data directory, and two processes that
 * do so silently diverge and corrupt it (checked with 0.5.16). So every opener here takes a
 * lock file in the directory first; the lock names the holder's pid and host.
 */
const LOCK_FILE = 'tuxhat.lock';

/** Data directories this process holds (a second PGlite on one directory is as harmful). */
const heldHere = new Set<string>();

export interface OpenPglite {
  readonly pglite: PGlite;
  /** Closes PGlite and releases the lock. */
  readonly close: () => Promise<void>;
}

/** Opens (creating and initialising on first use: seconds) a PGlite database on local disk. */
export async function openPglite(dataDir: string): Promise<OpenPglite> {
  const dir = resolve(dataDir);
  const release = lockDataDir(dir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create({ dataDir: dir });
  } catch (error) {
    release();
    throw error;
  }
  let closed: Promise<void> | undefined;
  return {
    pglite,
    close: () =>
      (closed ??= (async () => {
        try {
          await pglite.close();
        } finally {
          release();
        }
      })()),
  };
}

interface LockOwner {
  pid: number;
  host: string;
}

function lockDataDir(dir: string): () => void {
  if (heldHere.has(dir)) {
    throw new Error(`PGlite data directory ${dir} is already open in this process`);
  }
  mkdirSync(dir, { recursive: true });
  const lockPath = join(dir, LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: hostname() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      try {
        writeSync(fd, `${JSON.stringify(me)}\n`);
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const owner = readOwner(lockPath);
      if (owner && isAlive(owner, me)) {
        throw new Error(
          `PGlite data directory ${dir} is in use by process ${owner.pid} on ${owner.host}; ` +
            `only one process may open it (stop that process, or point this one at a PostgreSQL ` +
            `server). If no such process runs, delete ${lockPath}.`,
        );
      }
      // Stale: its process is gone (crash, container restart). Take it over.
      unlinkSync(lockPath);
    }
  }
  heldHere.add(dir);
  return () => {
    heldHere.delete(dir);
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone: nothing to release.
    }
  };
}

function readOwner(lockPath: string): LockOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(lockPath, 'utf8')) as Partial<LockOwner>;
    return typeof owner.pid === 'number' && typeof owner.host === 'string'
      ? { pid: owner.pid, host: owner.host }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's owner still runs. Only checkable on this host: a lock from another host
 * (a container that was replaced, with a new hostname, on the same volume) counts as stale.
 * Our own pid counts as stale too unless this process holds the directory (`heldHere`,
 * checked earlier): after a container restart, pid 1 is reused.
 */
function isAlive(owner: LockOwner, me: LockOwner): boolean {
  if (owner.host !== me.host || owner.pid === me.pid) return false;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
