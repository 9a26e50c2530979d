import type {
  CarrierAssignment,
  CarrierFaultRule,
  ConnectorProcessOptions,
} from '@tuxhat/connector-kit';

export type { CarrierAssignment };

export interface SnsConnectorOptions {
  readonly carriers: CarrierAssignment;
  /** Give up on one Publish call after this long (then it is retried through the bus; default 10 000 ms). */
  readonly requestTimeoutMs?: number;
  /** How long an account's publishes pause after SNS throttled one (default 1 000 ms). */
  readonly throttlePauseMs?: number;
  /**
   * Transient failures in a row (throttled, unreachable, SNS failing, credentials refused), each
   * retried through the bus with back-off, before the message goes back to routing (default 3).
   */
  readonly failoverAfterRounds?: number;
  /**
   * How often the config revision is read to follow carrier changes made through the admin API
   * (default 1 000 ms).
   */
  readonly configPollMs?: number;
  /**
   * Log events per FilterLogEvents call when reading delivery status logs (default AWS's, up to
   * 10,000); a long read goes page by page.
   */
  readonly deliveryStatusPageSize?: number;
  /**
   * carrier.health reporting (default every 5 000 ms, instance id from HOSTNAME), and when
   * failing submits make a carrier unhealthy (default 10 submits, half of them faults:
   * CARRIER_HEALTH_MIN_SUBMITS, CARRIER_HEALTH_FAULT_RATIO).
   */
  readonly health?: {
    readonly intervalMs?: number;
    readonly instanceId?: string;
  } & Partial<CarrierFaultRule>;
}

export interface StartSnsConnectorOptions extends SnsConnectorOptions, ConnectorProcessOptions {}

/** Injection tokens of the connector module. */
export const SNS_CONNECTOR_OPTIONS = Symbol('tuxhat:sns-connector:options');
export const SNS_CARRIERS = Symbol('tuxhat:sns-connector:carriers');
