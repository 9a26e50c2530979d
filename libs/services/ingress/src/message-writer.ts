import { Inject, Injectable, Logger } from '@nestjs/common';
import { Prisma } from '@tuxhat/database';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import type { StoredResponse } from './idempotency';
import {
  type StoredClaim,
  SubmissionRepository,
  type WriteRequest,
  claimId,
} from './submission.repository';

/** What became of a request: written, or its key was already held (with that key's answer). */
export type WriteOutcome =
  | { readonly kind: 'written' }
  | { readonly kind: 'claimed'; readonly requestHash: string; readonly response: StoredResponse };

interface Waiting {
  readonly request: WriteRequest;
  readonly resolve: (outcome: WriteOutcome) => void;
  readonly reject: (error: unknown) => void;
  /** Times the key's holder vanished before its answer could be read (purged meanwhile). */
  attempts: number;
}

/**
 * Group commit for accepted messages: concurrent requests (single messages, whole batches,
 * their idempotency claims) share one statement instead of paying a round trip and a commit
 * each (DESIGN: the hot path never pays one database round trip per message). Up to
 * MAX_WRITES statements are in flight at once; while they are, new requests wait and go
 * together in the next; idle, a request is written at once, so batching costs no latency at
 * low rates and grows with load. Two rather than one: at a steady 1,000 requests/s a write
 * takes about as long as the gap between requests, so with one in flight nearly every request
 * arrived during a write and waited for it to end before its own began (bench/RESULTS.md,
 * session 20). Each write resolves only once its statement has committed: a 2xx always means
 * the rows are durable.
 *
 * Idempotency claims are decided by the database: a key held by a live row (this replica's or
 * another's, committed first) makes its request's messages not be written at all; the request
 * then gets the holder's stored answer.
 */
@Injectable()
export class MessageWriter {
  /** Messages per statement; a 1,000-message batch always fits with room for single sends. */
  static readonly MAX_ROWS = 5_000;
  static readonly MAX_ATTEMPTS = 3;
  /**
   * Statements in flight at once, each on a connection of its own (one on PGlite, which runs
   * one at a time: a second would only wait there, and make the batches smaller).
   */
  static readonly MAX_WRITES = 2;
  private readonly logger = new Logger(MessageWriter.name);
  private waiting: Waiting[] = [];
  /** Drain loops running; counted down by the loop itself, the moment it finds nothing left. */
  private writers = 0;
  private readonly draining = new Set<Promise<void>>();

  constructor(
    private readonly store: SubmissionRepository,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  write(request: WriteRequest): Promise<WriteOutcome> {
    return new Promise<WriteOutcome>((resolve, reject) => {
      this.enqueue({ request, resolve, reject, attempts: 0 });
    });
  }

  /** Resolves when everything written so far is committed (or failed). */
  async flush(): Promise<void> {
    while (this.draining.size > 0) await Promise.all(this.draining);
  }

  private enqueue(item: Waiting): void {
    this.waiting.push(item);
    if (this.writers >= Math.min(MessageWriter.MAX_WRITES, this.store.connections)) return;
    this.writers++;
    const drained = this.drain();
    this.draining.add(drained);
    void drained.finally(() => this.draining.delete(drained));
  }

  private async drain(): Promise<void> {
    // Let the submissions of the current tick join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.waiting.length > 0) {
      const batch = this.takeBatch();
      try {
        await this.commit(batch);
      } catch (error) {
        if (batch.length > 1 && isRowError(error)) await this.commitOneByOne(batch, error);
        else for (const item of batch) item.reject(error);
      }
    }
    // Here, not in a callback: a request enqueued in between must find the loop gone.
    this.writers--;
  }

  private takeBatch(): Waiting[] {
    let rows = 0;
    let count = 0;
    while (count < this.waiting.length) {
      const size = this.waiting[count].request.messages.length;
      if (count > 0 && rows + size > MessageWriter.MAX_ROWS) break;
      rows += size;
      count++;
    }
    return this.waiting.splice(0, count);
  }

  private async commit(batch: readonly Waiting[]): Promise<void> {
    const written = await this.store.insert(
      batch.map((item) => item.request),
      this.clock.now(),
    );
    const held = batch.filter(
      (item) =>
        item.request.claim &&
        !written.has(claimId(item.request.claim.tenantId, item.request.claim.key)),
    );
    const stored =
      held.length > 0
        ? await this.store.findClaims(held.map((item) => item.request.claim!))
        : new Map<string, StoredClaim>();
    for (const item of batch) {
      const claim = item.request.claim;
      if (!claim || written.has(claimId(claim.tenantId, claim.key))) {
        item.resolve({ kind: 'written' });
        continue;
      }
      const holder = stored.get(claimId(claim.tenantId, claim.key));
      if (holder) {
        item.resolve({ kind: 'claimed', ...holder });
      } else if (++item.attempts < MessageWriter.MAX_ATTEMPTS) {
        // The holder went away between our insert and the read (its send failed, or it
        // expired and was purged): the key is free again, so try to claim it once more.
        this.waiting.push(item);
      } else {
        item.reject(new Error(`idempotency key of tenant ${claim.tenantId} keeps changing hands`));
      }
    }
  }

  /**
   * One bad row (say, its tenant was deleted a moment ago) must not fail the other tenants'
   * requests in its batch: write each on its own so only the culprit fails. (Not done when the
   * database itself is failing: that would only multiply the wait.)
   */
  private async commitOneByOne(batch: readonly Waiting[], cause: unknown): Promise<void> {
    this.logger.warn(
      `group commit of ${batch.length} requests failed, writing them one by one: ${String(cause)}`,
    );
    for (const item of batch) {
      try {
        await this.commit([item]);
      } catch (error) {
        item.reject(error);
      }
    }
  }
}

/**
 * A constraint or value error of some row, as opposed to a database outage: Prisma's P2xxx, or
 * PostgreSQL's integrity (23) and data (22) error classes, under a Prisma raw query or straight
 * from the driver (node-postgres and PGlite errors carry the SQLSTATE in `code`, with a
 * `severity`).
 */
export function isRowError(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) {
    if (error.code !== 'P2010') return error.code.startsWith('P2');
    return /^2[23]/.test(sqlStateOf(error.meta) ?? '');
  }
  return isDriverError(error) && /^2[23]/.test(error.code);
}

function isDriverError(error: unknown): error is { code: string; severity: string } {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { severity?: unknown }).severity === 'string'
  );
}

/** The SQLSTATE of a failed raw query: in `meta.code`, or (driver adapters) deeper. */
function sqlStateOf(meta: Record<string, unknown> | undefined): string | undefined {
  const adapter = meta?.driverAdapterError as { cause?: { originalCode?: unknown } } | undefined;
  const code = adapter?.cause?.originalCode ?? meta?.code;
  return typeof code === 'string' ? code : undefined;
}
