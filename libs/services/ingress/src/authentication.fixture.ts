import type { GeneratedApiKey } from '@tuxhat/config';

import type { CredentialUsageRecorder } from './credential-usage.recorder';
import {
  type IngressConfig,
  type IngressConfigSnapshot,
  type StoredKey,
  scopesOf,
} from './ingress-config';
import { ProblemError } from './problem';

/**
 * Test data for the authenticators: a configuration snapshot that reads its keys and
 * certificates anew on every access (a test changes them between calls, as a reload would).
 */
export function snapshotOf(
  current: () => Pick<IngressConfig, 'keys' | 'certificates'>,
): IngressConfigSnapshot {
  return {
    get current(): IngressConfig {
      return { ...current(), rates: new Map(), quotas: new Map() };
    },
  } as unknown as IngressConfigSnapshot;
}

/** A usage recorder that notes the ids of the keys used, and `cert:<fingerprint>` of certificates. */
export function usageInto(used: string[]): CredentialUsageRecorder {
  return {
    keyUsed: (id: string) => used.push(id),
    certificateUsed: (fingerprint: string) => used.push(`cert:${fingerprint}`),
  } as unknown as CredentialUsageRecorder;
}

/** `accepted`, or the problem code an authentication failed with. */
export function outcomeOf(run: () => unknown): string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return error instanceof ProblemError ? error.code : 'other';
  }
}

/** The stored entry of a generated key: id `k1`, tenant `acme`, not revoked, every scope. */
export function storedKeyOf(key: GeneratedApiKey): StoredKey {
  return {
    id: 'k1',
    tenantId: 'acme',
    secretHash: key.sha256,
    revokedAt: null,
    scopes: scopesOf([]),
  };
}
