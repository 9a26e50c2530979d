import type { LoggerService } from '@nestjs/common';
import type { RetryPolicy } from '@tuxhat/messaging';
import type { BackoffPolicy } from '@tuxhat/smpp';

/**
 * Which carriers a connector pod holds binds for: every enabled SMPP carrier, or the listed
 * ones (pods split carriers between them; each consumes only its carriers' outbound topics).
 */
export type CarrierAssignment = 'all' | readonly string[];

export interface SmppConnectorOptions {
  readonly carriers: CarrierAssignment;
  /** Connect and reconnect back-off of every bind (default: @tuxhat/smpp's, 1 s doubling to 30 s). */
  readonly reconnect?: Partial<BackoffPolicy>;
  /** How long boot waits for the first bind attempts before consuming anyway (default 5 000 ms). */
  readonly bootWaitMs?: number;
  /** How long shutdown waits per bind for outstanding responses and unbind_resp (default 5 000 ms). */
  readonly closeTimeoutMs?: number;
  /** A long MO's parts wait this long for the rest before what arrived is published (default 60 000 ms). */
  readonly moReassemblyMs?: number;
}

export interface StartSmppConnectorOptions extends SmppConnectorOptions {
  /**
   * Names this pod's carrier set when it holds some carriers only: its consumer group becomes
   * `smpp-connector.<shard>`. Every pod with the same carriers uses the same shard name.
   */
  readonly shard?: string;
  readonly logger?: LoggerService;
  readonly retryPolicy?: RetryPolicy;
  /** Close on SIGTERM/SIGINT (default true; all-in-one mode closes services itself). */
  readonly shutdownHooks?: boolean;
  /** Runs after the app closed (e.g. closing the database the runtime owns). */
  readonly onShutdown?: () => Promise<void>;
}

/** Injection tokens of the connector module. */
export const SMPP_CONNECTOR_OPTIONS = Symbol('tuxhat:smpp-connector:options');
export const SMPP_CARRIERS = Symbol('tuxhat:smpp-connector:carriers');
