import { z } from 'zod';

import { defineTopic } from '../topic';
import { carrierId, eventEnvelope } from './common';

/**
 * connector -> routing (and dashboards): a carrier's health as one connector instance sees it,
 * published on every change and at least every few seconds while the connector runs. Routing
 * treats a carrier as unhealthy when no instance reports it healthy within `ttlMs`.
 */
export const carrierHealthEvent = z.object({
  ...eventEnvelope,
  carrierId,
  /** The connector instance (pod) reporting. */
  instanceId: z.string().min(1).max(128),
  healthy: z.boolean(),
  /** Binds up / configured on this instance (SNS: 1/1 when the account answers). */
  bindsUp: z.int().min(0),
  bindsConfigured: z.int().min(0),
  /** Over the last reporting interval. */
  submitted: z.int().min(0),
  errors: z.int().min(0),
  /**
   * Those of the errors that are the carrier's fault, not the message's (SMPP: a retryable
   * command_status, a response timeout, the link lost; SNS: 5xx, unreachable, credentials).
   * Enough of them make the report unhealthy while binds are up. Absent from older connectors.
   */
  faults: z.int().min(0).optional(),
  throttled: z.int().min(0),
  /** How long routing may trust this report. */
  ttlMs: z.int().min(1_000),
  detail: z.string().max(256).optional(),
});
export type CarrierHealthEvent = z.infer<typeof carrierHealthEvent>;

export const CARRIER_HEALTH = defineTopic({
  name: 'carrier.health.v1',
  schema: carrierHealthEvent,
  keyOf: (event) => event.carrierId,
  partitions: 3,
  // Only recent reports matter; a routing replica that starts reads the whole topic.
  config: { 'retention.ms': String(60 * 60 * 1000) },
});
