import type { Database } from '@tuxhat/database';

import type { HttpRequest } from '../lib/clients';

export interface SubmitOptions {
  readonly priority?: 'otp' | 'bulk';
  /** Where the system should report this message's delivery (webhook / dlr-url). */
  readonly reportUrl?: string;
}

/** One status change of a message, as the system reports it (TuxHat's GET /v1/messages/{id}). */
export interface HistoryEntry {
  readonly status: string;
  /** The service that made the change: ingress, policy, routing, dlr... */
  readonly source: string;
  /** ISO 8601, milliseconds. */
  readonly at: string;
}

/** A system under test: the gateway in one of its modes, or the Kannel baseline. */
export interface BenchTarget {
  /** As it appears in the results, e.g. "TuxHat all-in-one (PostgreSQL)". */
  readonly name: string;
  /** Every OS process of the system (for its CPU time). */
  pids(): number[];
  /** Where the single-message submit goes (scheme, host and port), for wrk. */
  readonly httpUrl: string;
  /** The single-message submit as an HTTP request: `submit` sends it, wrk is scripted with it. */
  submitRequest(to: string, text: string, options?: SubmitOptions): HttpRequest;
  /** One single-message submit; resolves when the system accepted it, with its id if it gives one. */
  submit(to: string, text: string, options?: SubmitOptions): Promise<string | undefined>;
  /** A message's status history, when the system keeps one. */
  history?(id: string): Promise<readonly HistoryEntry[]>;
  /** One batch submit of `texts.length` messages, when the system has a batch API. */
  submitBatch?(to: string, texts: readonly string[], priority?: 'otp' | 'bulk'): Promise<void>;
  /**
   * The write-ahead log position of the system's PostgreSQL server, in bytes (bench/lib/wal.ts),
   * when it has one the bench can ask (not PGlite, not Kannel).
   */
  walPosition?(): Promise<bigint>;
  /** The system's PostgreSQL database, when the bench can reach it (not PGlite, not Kannel). */
  readonly database?: Database;
  /** A gRPC submit, when the system has a gRPC API. */
  submitGrpc?(to: string, text: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The n-th of 800,000 destinations on the simulator's prefix (+38267, the route every system is
 * configured with): distinct numbers, as a tenant's traffic has.
 */
export function destination(n: number): string {
  return `+38267${String(100000 + (n % 800000)).padStart(6, '0')}`;
}
