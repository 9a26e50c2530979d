import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import {
  acceptWireSession,
  connectWireSession,
  createWirePdu,
  type WireSession,
} from './node-smpp';
import { fromWire, toWire } from './pdu-mapper';
import { SequenceGenerator } from './sequence-generator';
import { isResponseCommand, type OutgoingPdu, type SmppPdu } from './smpp-pdu';

export interface SmppSessionEvents {
  /** A decoded PDU (requests, responses and unsupported commands alike). */
  pdu: [SmppPdu];
  /**
   * The peer sent bytes that do not frame or parse as a PDU. node-smpp stops reading the
   * stream after this (it would stall forever), so the owner must answer and close.
   */
  protocolError: [Error];
  /** Socket-level failure; 'close' follows. (Not named 'error': an unheard 'error' event would throw.) */
  socketError: [Error];
  close: [];
}

export interface SmppConnectOptions {
  host: string;
  port: number;
  /** Give up on the TCP/TLS handshake after this long. */
  connectTimeoutMs: number;
  /** SMPP over TLS: node:tls options (ca, servername, cert/key for mutual TLS, ...). */
  tls?: TlsConnectionOptions;
}

/** Thrown by send() on a session whose socket is no longer writable. */
export class SmppSessionClosedError extends Error {
  constructor() {
    super('SMPP session is closed');
    this.name = 'SmppSessionClosedError';
  }
}

/**
 * One SMPP connection, either side. Wraps node-smpp's Session: typed PDUs in and out, own
 * sequence numbers (§5.1.4), a distinct event for unparseable input, and a close() that
 * always finishes.
 */
export class SmppSession extends EventEmitter<SmppSessionEvents> {
  private readonly sequence = new SequenceGenerator();
  private readonly socketErrors = new WeakSet<Error>();
  private closed = false;

  private constructor(private readonly wire: WireSession) {
    super();
    const socket = wire.socket;
    socket.setNoDelay(true);
    // Registered ahead of node-smpp's own listener so that, when the Session re-emits the
    // error, we can tell socket failures from PDU parse failures (which are not socket errors).
    socket.prependListener('error', (error: Error) => this.socketErrors.add(error));
    wire.on('pdu', (pdu) => this.dispatch(pdu));
    wire.on('error', (error) => {
      if (this.socketErrors.has(error)) this.emit('socketError', error);
      else this.onBrokenStream(error);
    });
    wire.on('close', () => {
      this.closed = true;
      this.emit('close');
    });
  }

  /** Opens a TCP (or TLS) connection to an SMSC. */
  static connect(options: SmppConnectOptions): Promise<SmppSession> {
    return new Promise<SmppSession>((resolve, reject) => {
      const wire = connectWireSession({
        ...options.tls,
        host: options.host,
        port: options.port,
        tls: options.tls !== undefined,
      });
      const connectedEvent = options.tls ? 'secureConnect' : 'connect';
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        wire.removeListener(connectedEvent, onConnected);
        wire.destroy();
        reject(error);
      };
      const onConnected = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        wire.removeListener('error', fail);
        resolve(new SmppSession(wire));
      };
      const timer = setTimeout(
        () => fail(new Error(`connect timed out after ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs,
      );
      wire.once(connectedEvent, onConnected);
      wire.once('error', fail);
    });
  }

  /** Wraps a socket an SMSC-side listener accepted. */
  static accept(socket: Socket): SmppSession {
    return new SmppSession(acceptWireSession(socket));
  }

  get isOpen(): boolean {
    return !this.closed && this.wire.socket.writable;
  }

  get remoteAddress(): string {
    return `${this.wire.socket.remoteAddress ?? '?'}:${this.wire.socket.remotePort ?? '?'}`;
  }

  /**
   * Writes a PDU and returns its sequence_number. Requests without one get the next from
   * this session's generator; responses must echo the request's (§5.1.4).
   */
  send(pdu: OutgoingPdu): number {
    if (!this.isOpen) throw new SmppSessionClosedError();
    let sequenceNumber = pdu.sequenceNumber;
    if (sequenceNumber === undefined) {
      if (isResponseCommand(pdu.command)) {
        throw new Error(`${pdu.command} needs the sequence_number of the request it answers`);
      }
      sequenceNumber = this.sequence.next();
    }
    const { command, params } = toWire(pdu, sequenceNumber);
    if (!this.wire.send(createWirePdu(command, params))) throw new SmppSessionClosedError();
    return sequenceNumber;
  }

  /**
   * Writes octets as they are, outside PDU encoding: for fault injection (malformed PDUs in
   * tests of a peer) and nothing else.
   */
  writeRaw(octets: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new SmppSessionClosedError());
    return new Promise((resolve, reject) => {
      this.wire.socket.write(octets, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Half-closes (FIN) and waits for the peer; destroys the socket if that takes longer than timeoutMs. */
  close(timeoutMs = 2_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.wire.destroy(), timeoutMs);
      this.wire.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.wire.close();
    });
  }

  /** Drops the connection at once (no FIN handshake wait). */
  destroy(): void {
    this.wire.destroy();
  }

  private dispatch(wirePdu: Parameters<typeof fromWire>[0]): void {
    // A throwing listener would leave node-smpp's reader flagged busy and stall the stream;
    // treat it like unparseable input so the owner closes the session instead.
    try {
      this.emit('pdu', fromWire(wirePdu));
    } catch (error) {
      this.onBrokenStream(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * node-smpp stops reading after a parse error, so the peer's FIN would never be seen and a
   * graceful close() would hang until its timeout. Drain and discard the rest of the input
   * instead: PDU framing is lost anyway (SMPP 3.4 §3.1 has no resynchronisation).
   */
  private onBrokenStream(error: Error): void {
    const socket = this.wire.socket;
    socket.removeAllListeners('readable');
    socket.on('data', () => undefined);
    socket.resume();
    this.emit('protocolError', error);
  }
}
