import type { HealthStatus } from '@tuxhat/observability';

/** A bus part (client, transport) that can say whether it works, for the readiness probe. */
export interface HealthReporting {
  health(): HealthStatus;
}

export function isHealthReporting(value: unknown): value is HealthReporting {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { health?: unknown }).health === 'function'
  );
}
