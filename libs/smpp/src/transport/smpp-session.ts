import { EventEmitter } from 'node:events';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls, type ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { MAX_PDU_LENGTH } from './node-smpp';
import { SequenceGenerator } from './sequence-generator';
import { isResponseCommand, type OutgoingPdu, type SmppPdu } from './smpp-pdu';
import { decodeFrame, encodeOutgoing } from './wire-codec';

/** §3.2: command_length counts the 16-octet header. */
const HEADER_LENGTH = 16;

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
 * One SMPP connection, either side: typed PDUs in and out (wire-codec.ts), own sequence
 * numbers (§5.1.4), a distinct event for unparseable input, and a close() that always finishes.
 *
 * Writes are batched: PDUs sent during one turn of the event loop go out in one socket write
 * (setImmediate), not one syscall each; close(), destroy() and writeRaw() flush first, so the
 * order on the wire is the order of the calls.
 */
export class SmppSession extends EventEmitter<SmppSessionEvents> {
  private readonly sequence = new SequenceGenerator();
  private closed = false;
  /** Input after a protocol error is read and dropped (SMPP 3.4 §3.1 has no resynchronisation). */
  private broken = false;
  /** Octets received that do not complete a PDU yet. */
  private input: Buffer | undefined;
  private readonly output: Buffer[] = [];
  private outputLength = 0;
  private flushScheduled = false;
  private destroyed = false;

  private constructor(private readonly socket: Socket) {
    super();
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (error) => this.emit('socketError', error));
    socket.on('close', () => {
      this.closed = true;
      this.output.length = 0;
      this.outputLength = 0;
      this.emit('close');
    });
  }

  /** Opens a TCP (or TLS) connection to an SMSC. */
  static connect(options: SmppConnectOptions): Promise<SmppSession> {
    return new Promise<SmppSession>((resolve, reject) => {
      const socket = options.tls
        ? connectTls({ ...options.tls, host: options.host, port: options.port })
        : connectTcp({ host: options.host, port: options.port });
      const connectedEvent = options.tls ? 'secureConnect' : 'connect';
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeListener(connectedEvent, onConnected);
        socket.destroy();
        reject(error);
      };
      const onConnected = (): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.removeListener('error', fail);
        resolve(new SmppSession(socket));
      };
      const timer = setTimeout(
        () => fail(new Error(`connect timed out after ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs,
      );
      socket.once(connectedEvent, onConnected);
      socket.once('error', fail);
    });
  }

  /** Wraps a socket an SMSC-side listener accepted. */
  static accept(socket: Socket): SmppSession {
    return new SmppSession(socket);
  }

  get isOpen(): boolean {
    return !this.closed && this.socket.writable;
  }

  get remoteAddress(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /**
   * Queues a PDU for this turn's write and returns its sequence_number. Requests without one
   * get the next from this session's generator; responses must echo the request's (§5.1.4).
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
    const octets = encodeOutgoing(pdu, sequenceNumber);
    this.output.push(octets);
    this.outputLength += octets.length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    return sequenceNumber;
  }

  /**
   * Writes octets as they are, outside PDU encoding: for fault injection (malformed PDUs in
   * tests of a peer) and nothing else.
   */
  writeRaw(octets: Buffer): Promise<void> {
    if (!this.isOpen) return Promise.reject(new SmppSessionClosedError());
    this.flush();
    return new Promise((resolve, reject) => {
      this.socket.write(octets, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** Half-closes (FIN) and waits for the peer; destroys the socket if that takes longer than timeoutMs. */
  close(timeoutMs = 2_000): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.flush();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.socket.destroy(), timeoutMs);
      this.socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      this.socket.end();
    });
  }

  /** Drops the connection at once (no FIN handshake wait); PDUs already sent still go first. */
  destroy(): void {
    this.destroyed = true;
    this.flush();
    this.socket.destroy();
  }

  /** Writes every queued PDU in one go. */
  private flush(): void {
    this.flushScheduled = false;
    const count = this.output.length;
    if (count === 0) return;
    const octets = count === 1 ? this.output[0] : Buffer.concat(this.output, this.outputLength);
    this.output.length = 0;
    this.outputLength = 0;
    if (!this.closed && this.socket.writable) this.socket.write(octets);
  }

  /** Frames PDUs out of the byte stream (§3.2: command_length first) and emits each. */
  private onData(chunk: Buffer): void {
    if (this.broken) return;
    const buffer = this.input ? Buffer.concat([this.input, chunk]) : chunk;
    this.input = undefined;
    let offset = 0;
    while (buffer.length - offset >= 4) {
      const length = buffer.readUInt32BE(offset);
      if (length < HEADER_LENGTH || length > MAX_PDU_LENGTH) {
        this.onBrokenStream(
          new Error(
            `PDU command_length ${length} is outside ${HEADER_LENGTH}..${MAX_PDU_LENGTH} octets`,
          ),
        );
        return;
      }
      if (buffer.length - offset < length) break;
      const frame = buffer.subarray(offset, offset + length);
      offset += length;
      let pdu: SmppPdu;
      try {
        pdu = decodeFrame(frame);
      } catch (error) {
        this.onBrokenStream(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      // A throwing listener leaves the stream in an unknown state; treat it like unparseable
      // input so the owner closes the session instead.
      try {
        this.emit('pdu', pdu);
      } catch (error) {
        this.onBrokenStream(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      // A listener that destroyed the session hears nothing more.
      if (this.broken || this.destroyed) return;
    }
    if (offset < buffer.length) this.input = buffer.subarray(offset);
  }

  /**
   * PDU framing is lost after unparseable input (SMPP 3.4 §3.1 has no resynchronisation): the
   * rest of the input is read and discarded, so the peer's FIN is still seen and a graceful
   * close() finishes.
   */
  private onBrokenStream(error: Error): void {
    this.broken = true;
    this.input = undefined;
    this.emit('protocolError', error);
  }
}
