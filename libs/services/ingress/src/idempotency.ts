import { hash } from 'node:crypto';

import { Injectable } from '@nestjs/common';

import { ProblemError } from './problem';
import { validationFailed } from './submission.validation';

/** How long a key holds its answer (and how old a row must be before it is purged). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** The original answer, replayed as it was: HTTP status and body. */
export interface StoredResponse<Body = unknown> {
  readonly status: number;
  readonly body: Body;
  /** Extra REST headers of the answer (e.g. `retry-after` when batch items were rate limited). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A request's claim on its key: written with its messages, in the same commit. */
export interface IdempotencyClaim {
  readonly tenantId: string;
  readonly key: string;
  readonly requestHash: string;
  readonly response: StoredResponse;
}

/** The operations a key can belong to; part of the hash, so one key never serves two. */
export type IdempotentOperation = 'submit' | 'submit-batch';

/** Printable ASCII, as the IETF draft and common APIs (Stripe: up to 255) allow. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** The `Idempotency-Key` header (gRPC metadata `idempotency-key`), or undefined when absent. */
export function parseIdempotencyKey(
  value: string | readonly string[] | undefined,
): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && KEY_PATTERN.test(value)) return value;
  throw validationFailed([
    {
      field: 'Idempotency-Key',
      code: 'idempotency_key_invalid',
      message: 'must be given once, 1 to 255 printable ASCII characters without spaces',
    },
  ]);
}

/**
 * What "the same request" means: the operation and the body with object keys sorted, so key
 * order and whitespace do not matter but every value does. REST and gRPC requests are hashed
 * in the same (REST) shape, so a retry may even switch protocol.
 */
export function requestHash(operation: IdempotentOperation, input: unknown): string {
  // One-shot hash of one string: the same bytes as a Hash object fed the three parts (UTF-8),
  // without the object. The hashes are stored for 24 h and must never change for a body.
  return hash('sha256', `${operation}\n${canonicalJson(input)}`, 'hex');
}

/** Deeper than any valid request (a batch item's metadata is at depth 4). */
const MAX_DEPTH = 32;

/**
 * JSON with object keys sorted by UTF-16 code units (Array#sort's default order) and undefined
 * members left out. Built by plain concatenation: it runs for every request with a key.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) {
    // A body nested this deep is no request of this API; refused before it costs the stack.
    throw validationFailed([
      { field: 'body', code: 'field_invalid', message: 'is nested too deeply' },
    ]);
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    let json = '[';
    for (let index = 0; index < value.length; index++) {
      if (index > 0) json += ',';
      json += canonicalJson(value[index], depth + 1);
    }
    return `${json}]`;
  }
  const object = value as Record<string, unknown>;
  let json = '{';
  for (const key of Object.keys(object).sort()) {
    const item = object[key];
    if (item === undefined) continue;
    if (json.length > 1) json += ',';
    json += `${JSON.stringify(key)}:${canonicalJson(item, depth + 1)}`;
  }
  return `${json}}`;
}

export function keyReused(): ProblemError {
  return new ProblemError(
    'idempotency_key_reused',
    'this Idempotency-Key was used for a different request in the last 24 hours; use a new key for a new request',
  );
}

/** The answer to a request with a key, and whether it is a replay of an earlier one. */
export interface IdempotentOutcome {
  readonly response: StoredResponse;
  readonly replayed: boolean;
}

interface InFlight {
  readonly requestHash: string;
  readonly outcome: Promise<IdempotentOutcome>;
}

/**
 * Requests with the same tenant and key that arrive while the first is still being handled
 * wait for its outcome instead of racing it (in this process; across replicas the key's
 * primary key in the database decides, see MessageWriter). A concurrent request with another
 * body is refused at once.
 */
@Injectable()
export class IdempotencyCoordinator {
  private readonly inFlight = new Map<string, InFlight>();

  async run(
    tenantId: string,
    key: string,
    hash: string,
    handle: () => Promise<IdempotentOutcome>,
  ): Promise<IdempotentOutcome> {
    const id = `${tenantId}\u0000${key}`;
    const current = this.inFlight.get(id);
    if (current) {
      if (current.requestHash !== hash) throw keyReused();
      return { response: (await current.outcome).response, replayed: true };
    }
    const outcome = handle();
    this.inFlight.set(id, { requestHash: hash, outcome });
    try {
      return await outcome;
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Requests being handled right now (for tests and shutdown). */
  get size(): number {
    return this.inFlight.size;
  }
}
