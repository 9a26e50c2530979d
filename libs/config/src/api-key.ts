import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Tenant API keys look like `thk_k3x9m2pq_<43 chars>`: a public prefix that identifies the key
 * (shown in listings and logs, used to look it up) and 32 random bytes of secret. Only the
 * SHA-256 of the whole key is stored: with 256 bits of entropy a slow hash adds nothing.
 */
const KEY_PATTERN = /^(thk_[a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;
const PREFIX_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** What a tenant API key may be used for: `send` messages, `read` messages and usage. */
export const API_KEY_SCOPES = ['send', 'read'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface GeneratedApiKey {
  /** Shown once to the tenant, never stored. */
  readonly key: string;
  readonly prefix: string;
  readonly sha256: string;
}

export function generateApiKey(): GeneratedApiKey {
  return generateKey('thk');
}

/**
 * Operators' admin API keys: the same shape with their own marker, `tha_<8>_<43>`, so an admin
 * key can never be mistaken for a tenant key (nor accepted by the tenant API), and a leaked key
 * in a log or a ticket says which kind it is.
 */
const ADMIN_KEY_PATTERN = /^(tha_[a-z0-9]{8})_([A-Za-z0-9_-]{43})$/;

export function generateAdminKey(): GeneratedApiKey {
  return generateKey('tha');
}

/** The public prefix of a well-formed admin key, or null for anything that cannot be one. */
export function adminKeyPrefix(key: string): string | null {
  return ADMIN_KEY_PATTERN.exec(key)?.[1] ?? null;
}

function generateKey(marker: 'thk' | 'tha'): GeneratedApiKey {
  const prefixBytes = randomBytes(8);
  const prefixId = [...prefixBytes]
    .map((byte) => PREFIX_ALPHABET[byte % PREFIX_ALPHABET.length])
    .join('');
  const key = `${marker}_${prefixId}_${randomBytes(32).toString('base64url')}`;
  return { key, prefix: `${marker}_${prefixId}`, sha256: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The public prefix of a well-formed key, or null for anything that cannot be a key. */
export function apiKeyPrefix(key: string): string | null {
  return KEY_PATTERN.exec(key)?.[1] ?? null;
}

/** Whether a key (tenant or admin) matches its stored SHA-256, in constant time. */
export function apiKeyMatches(key: string, storedSha256: string): boolean {
  const actual = Buffer.from(hashApiKey(key), 'hex');
  const expected = Buffer.from(storedSha256, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
