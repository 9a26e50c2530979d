import type { LoggerService } from '@nestjs/common';
import type { RetryPolicy } from '@tuxhat/messaging';

/** Which SNS carriers a connector pod serves: every enabled one, or the listed ones. */
export type CarrierAssignment = 'all' | readonly string[];

export interface SnsConnectorOptions {
  readonly carriers: CarrierAssignment;
  /** Give up on one Publish call after this long (then it is retried through the bus; default 10 000 ms). */
  readonly requestTimeoutMs?: number;
}

export interface StartSnsConnectorOptions extends SnsConnectorOptions {
  readonly logger?: LoggerService;
  readonly retryPolicy?: RetryPolicy;
  /** Close on SIGTERM/SIGINT (default true; all-in-one mode closes services itself). */
  readonly shutdownHooks?: boolean;
  /** Runs after the app closed (e.g. closing the database the runtime owns). */
  readonly onShutdown?: () => Promise<void>;
}

/** Injection tokens of the connector module. */
export const SNS_CONNECTOR_OPTIONS = Symbol('tuxhat:sns-connector:options');
export const SNS_CARRIERS = Symbol('tuxhat:sns-connector:carriers');
