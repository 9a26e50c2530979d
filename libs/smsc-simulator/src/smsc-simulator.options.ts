import { CommandStatus, isReceiptStat, type ReceiptStat } from '@tuxhat/smpp';
import type { TlsOptions } from 'node:tls';
import type { MessageIdFormat, ReceiptTextIdFormat } from './message-id-generator';

export interface SmscAccount {
  systemId: string;
  password: string;
}

export interface SmscSimulatorOptions {
  /** TCP port; 0 (default) picks an ephemeral one. A restarted simulator keeps the port it had. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /**
   * Accounts allowed to bind (default smppclient1/password, SMPPSim's classic default).
   * An empty list is allowed: every bind then fails with ESME_RBINDFAIL.
   */
  accounts?: SmscAccount[];
  /** system_id the SMSC returns in bind_*_resp (default TUXHATSIM). */
  smscSystemId?: string;
  /** Delay between a submit and its delivery receipt (default 100 ms). */
  deliveryDelayMs?: number;
  /** Send the receipt before the submit_sm_resp: the race the gateway must survive (default false). */
  receiptBeforeResponse?: boolean;
  /** Delay before each submit_sm_resp (default 0). */
  responseDelayMs?: number;
  /** message_id spelling (default hex). */
  messageIdFormat?: MessageIdFormat;
  /**
   * 'decimal': write hex ids in decimal in the receipt text; 'padded': zero-fill the text's id
   * to 20 characters. The TLV keeps the real id (default same).
   */
  receiptTextIdFormat?: ReceiptTextIdFormat;
  /**
   * Send the receipted_message_id and message_state TLVs with each receipt (default true);
   * false leaves the id and the state to the receipt text alone, as many carriers do.
   */
  receiptTlvs?: boolean;
  /**
   * How receipts travel (default deliver_sm): 'data_sm' sends them as data_sm (SMPP 3.4 §4.7.1,
   * the text in message_payload), as some SMSCs do, answered with data_sm_resp.
   */
  receiptCommand?: 'deliver_sm' | 'data_sm';
  /** Fraction 0..1 of submits answered errorStatus (default 0). */
  errorRate?: number;
  /** command_status for errorRate (default ESME_RSUBMITFAIL 0x45). */
  errorStatus?: number;
  /** Fraction 0..1 of submits answered ESME_RTHROTTLED 0x58 (default 0). */
  throttleRate?: number;
  /** Final state reported by receipts (default DELIVRD). */
  finalState?: ReceiptStat;
  /** Final state by destination prefix; the longest match wins, e.g. { '4477009': 'UNDELIV' }. */
  finalStateByPrefix?: Record<string, ReceiptStat>;
  /** How long to wait for a deliver_sm_resp (default 10 000 ms). */
  deliverTimeoutMs?: number;
  /** Retry delay for a receipt the ESME refused or did not answer (default 1 000 ms). */
  redeliveryDelayMs?: number;
  /** How long stop() waits for each unbind_resp (default 1 000 ms). */
  unbindTimeoutMs?: number;
  /** Serve SMPP over TLS. */
  tls?: TlsOptions;
  /** Random source for error/throttle draws (tests seed it). */
  random?: () => number;
}

export type ResolvedSmscSimulatorOptions = Required<Omit<SmscSimulatorOptions, 'tls'>> & {
  tls: TlsOptions | undefined;
};

export const DEFAULT_ACCOUNTS: readonly SmscAccount[] = [
  { systemId: 'smppclient1', password: 'password' },
];

export function resolveSmscSimulatorOptions(
  options: SmscSimulatorOptions,
): ResolvedSmscSimulatorOptions {
  const resolved: ResolvedSmscSimulatorOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    accounts: options.accounts ?? [...DEFAULT_ACCOUNTS],
    smscSystemId: options.smscSystemId ?? 'TUXHATSIM',
    deliveryDelayMs: options.deliveryDelayMs ?? 100,
    receiptBeforeResponse: options.receiptBeforeResponse ?? false,
    responseDelayMs: options.responseDelayMs ?? 0,
    messageIdFormat: options.messageIdFormat ?? 'hex',
    receiptTextIdFormat: options.receiptTextIdFormat ?? 'same',
    receiptTlvs: options.receiptTlvs ?? true,
    receiptCommand: options.receiptCommand ?? 'deliver_sm',
    errorRate: options.errorRate ?? 0,
    errorStatus: options.errorStatus ?? CommandStatus.ESME_RSUBMITFAIL,
    throttleRate: options.throttleRate ?? 0,
    finalState: options.finalState ?? 'DELIVRD',
    finalStateByPrefix: options.finalStateByPrefix ?? {},
    deliverTimeoutMs: options.deliverTimeoutMs ?? 10_000,
    redeliveryDelayMs: options.redeliveryDelayMs ?? 1_000,
    unbindTimeoutMs: options.unbindTimeoutMs ?? 1_000,
    tls: options.tls,
    random: options.random ?? Math.random,
  };
  validate(resolved);
  return resolved;
}

function validate(options: ResolvedSmscSimulatorOptions): void {
  const fraction = (name: string, value: number): void => {
    if (!(value >= 0 && value <= 1))
      throw new RangeError(`${name} must be within 0..1, got ${value}`);
  };
  fraction('errorRate', options.errorRate);
  fraction('throttleRate', options.throttleRate);
  if (options.errorRate + options.throttleRate > 1)
    throw new RangeError('errorRate + throttleRate must not exceed 1');
  if (!Number.isInteger(options.port) || options.port < 0 || options.port > 65_535)
    throw new RangeError(`port must be 0..65535, got ${options.port}`);
  for (const key of [
    'deliveryDelayMs',
    'responseDelayMs',
    'deliverTimeoutMs',
    'redeliveryDelayMs',
    'unbindTimeoutMs',
  ] as const) {
    if (!Number.isFinite(options[key]) || options[key] < 0)
      throw new RangeError(`${key} must be >= 0, got ${options[key]}`);
  }
  if (options.errorStatus === CommandStatus.ESME_ROK)
    throw new RangeError('errorStatus must be a non-zero command_status');
  for (const stat of [options.finalState, ...Object.values(options.finalStateByPrefix)]) {
    if (!isReceiptStat(stat)) throw new RangeError(`unknown receipt stat ${String(stat)}`);
  }
}
