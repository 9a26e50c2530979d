import { existsSync } from 'node:fs';
import { join } from 'node:path';

import type { GatewayEnv } from './gateway.config';

/** The built worker entry, next to this file in dist/ (absent when running the .ts sources). */
export const INGRESS_WORKER_ENTRY = join(__dirname, 'ingress-worker.js');

export type IngressPlacement =
  | { readonly thread: true; readonly entry: string; readonly databaseUrl: string }
  | { readonly thread: false; readonly reason: string };

/**
 * Where ingress runs. Its own worker thread keeps the tenant API answering in about a
 * millisecond while the other services keep the main event loop busy; it needs:
 *  - PostgreSQL (DATABASE_URL): the embedded PGlite is one in-memory instance in one thread,
 *    which a second thread cannot open;
 *  - the built worker entry: under jest, and anywhere else the TypeScript sources run, there is
 *    no JavaScript file a worker could load.
 */
export function ingressPlacement(
  env: Pick<GatewayEnv, 'INGRESS_THREAD' | 'DATABASE_URL'>,
  entry: string = INGRESS_WORKER_ENTRY,
  exists: (path: string) => boolean = existsSync,
): IngressPlacement {
  if (env.INGRESS_THREAD === 'main') return { thread: false, reason: 'INGRESS_THREAD=main' };
  if (!env.DATABASE_URL) {
    return { thread: false, reason: 'embedded PGlite is reachable from one thread only' };
  }
  if (!exists(entry)) return { thread: false, reason: `no built worker entry ${entry}` };
  return { thread: true, entry, databaseUrl: env.DATABASE_URL };
}
