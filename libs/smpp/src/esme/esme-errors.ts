import { commandStatusName } from '../protocol/command-status';

/**
 * Why a bind ended. 'unbound' events and SmppConnectionClosedError carry one.
 *  - client-close: close() was called.
 *  - peer-unbind: the SMSC sent unbind (SMPP 3.4 §4.2).
 *  - connection-lost: the socket closed or failed without an unbind.
 *  - enquire-link-timeout: no enquire_link_resp in time (§4.11): the link is presumed dead.
 *  - protocol-error: the SMSC sent bytes that do not parse as a PDU; node-smpp would stall, so we close.
 */
export type SmppCloseReason =
  'client-close' | 'peer-unbind' | 'connection-lost' | 'enquire-link-timeout' | 'protocol-error';

/** Base of every error the ESME client rejects with; `code` discriminates without instanceof. */
export abstract class SmppClientError extends Error {
  abstract readonly code: string;
  /**
   * Whether the PDU may have reached the SMSC. false = safe to retry elsewhere without a
   * duplicate; true = the SMSC may have accepted it (a retry can duplicate the message).
   */
  abstract readonly sent: boolean;
}

/** No response within responseTimeoutMs (the window slot is released; a late response is ignored). */
export class SmppResponseTimeoutError extends SmppClientError {
  readonly code = 'SMPP_RESPONSE_TIMEOUT';
  readonly sent = true;
  constructor(
    readonly command: string,
    readonly sequenceNumber: number,
    readonly timeoutMs: number,
  ) {
    super(`no ${command}_resp for sequence ${sequenceNumber} within ${timeoutMs} ms`);
    this.name = 'SmppResponseTimeoutError';
  }
}

/** The session closed while the request waited for a window slot (sent=false) or for its response (sent=true). */
export class SmppConnectionClosedError extends SmppClientError {
  readonly code = 'SMPP_CONNECTION_CLOSED';
  constructor(
    readonly reason: SmppCloseReason,
    readonly sent: boolean,
  ) {
    super(
      `SMPP session closed (${reason}) ${sent ? 'before the response arrived' : 'before the PDU was sent'}`,
    );
    this.name = 'SmppConnectionClosedError';
  }
}

/** submit while no transmitter-capable bind is up (connecting, reconnecting, closing or receiver-only). */
export class SmppNotBoundError extends SmppClientError {
  readonly code = 'SMPP_NOT_BOUND';
  readonly sent = false;
  constructor(readonly state: string) {
    super(`cannot submit: client is ${state}`);
    this.name = 'SmppNotBoundError';
  }
}

/** The SMSC answered bind_*_resp with a non-zero command_status (SMPP 3.4 §4.1). */
export class SmppBindError extends SmppClientError {
  readonly code = 'SMPP_BIND_FAILED';
  readonly sent = true;
  constructor(readonly commandStatus: number) {
    super(`bind rejected by SMSC: ${commandStatusName(commandStatus)}`);
    this.name = 'SmppBindError';
  }
}

/** TCP (or TLS) connection could not be established. */
export class SmppConnectError extends SmppClientError {
  readonly code = 'SMPP_CONNECT_FAILED';
  readonly sent = false;
  constructor(
    readonly host: string,
    readonly port: number,
    override readonly cause: Error,
  ) {
    super(`cannot connect to SMSC ${host}:${port}: ${cause.message}`);
    this.name = 'SmppConnectError';
  }
}
