import type {
  CarrierAssignment,
  CarrierFaultRule,
  ConnectorProcessOptions,
} from '@tuxhat/connector-kit';
import type { BackoffPolicy } from '@tuxhat/smpp';

import type { ReadyWhen } from './bind-instruments';

export type { CarrierAssignment };

export interface SmppConnectorOptions {
  readonly carriers: CarrierAssignment;
  /** Connect and reconnect back-off of every bind (default: @tuxhat/smpp's, 1 s doubling to 30 s, jittered). */
  readonly reconnect?: Partial<BackoffPolicy>;
  /** How long boot waits for the first bind attempts before consuming anyway (default 5 000 ms). */
  readonly bootWaitMs?: number;
  /** How long shutdown waits per bind for outstanding responses and unbind_resp (default 5 000 ms). */
  readonly closeTimeoutMs?: number;
  /**
   * How often a part the carrier throttled (ESME_RTHROTTLED, ESME_RMSGQFUL) is tried again on
   * the same carrier before the event goes to the retry topic (default 3).
   */
  readonly throttleRetries?: number;
  /**
   * Rounds through the retry topic a throttled message waits for its carrier before it is
   * rerouted to another (default 3).
   */
  readonly throttleRoundsBeforeFailover?: number;
  /** How long a bind rests after a throttling answer (default 200 ms doubling to 5 s, jittered). */
  readonly throttleBackoff?: Partial<BackoffPolicy>;
  /** How long a part waits for one of the carrier's binds to come up before it fails over (default 3 000 ms). */
  readonly notBoundWaitMs?: number;
  /**
   * Bind limit (carriers with `maxBinds`): how often this process renews and claims its bind
   * slots (default 10 000 ms), and how long a slot stays held without renewal (default 30 000 ms).
   */
  readonly leases?: { readonly renewMs?: number; readonly ttlMs?: number };
  /**
   * How often the config revision is read to follow carrier changes made through the admin API
   * (default 1 000 ms).
   */
  readonly configPollMs?: number;
  /** When the pod reports ready: every carrier with a bind up (default), any carrier, or always. */
  readonly readyWhen?: ReadyWhen;
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

export interface StartSmppConnectorOptions extends SmppConnectorOptions, ConnectorProcessOptions {}

/** Injection tokens of the connector module. */
export const SMPP_CONNECTOR_OPTIONS = Symbol('tuxhat:smpp-connector:options');
/** What the boot read (LoadedSmppCarriers): the pod's carriers and every SMPP row. */
export const SMPP_CARRIERS = Symbol('tuxhat:smpp-connector:carriers');
export const BIND_LEASES = Symbol('tuxhat:smpp-connector:bind-leases');
