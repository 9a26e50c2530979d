import { EventEmitter } from 'node:events';
import {
  createServer as createTcpServer,
  type AddressInfo,
  type Server,
  type Socket,
} from 'node:net';
import { createServer as createTlsServer, type TlsOptions } from 'node:tls';
import { SmppSession } from './smpp-session';

export interface SmppListenerOptions {
  host: string;
  /** 0 = an ephemeral port. */
  port: number;
  /** Serve SMPP over TLS with these options (key, cert, ...). */
  tls?: TlsOptions;
}

export interface SmppListenerEvents {
  session: [SmppSession];
  /** Server failure after listen() succeeded. */
  listenerError: [Error];
}

/** Accepts SMPP connections (the SMSC side) and hands each over as an SmppSession. */
export class SmppListener extends EventEmitter<SmppListenerEvents> {
  private server: Server | undefined;
  private readonly sessions = new Set<SmppSession>();

  constructor(private readonly options: SmppListenerOptions) {
    super();
  }

  listen(): Promise<{ host: string; port: number }> {
    if (this.server) return Promise.reject(new Error('listener already started'));
    const onSocket = (socket: Socket): void => {
      const session = SmppSession.accept(socket);
      this.sessions.add(session);
      session.once('close', () => this.sessions.delete(session));
      this.emit('session', session);
    };
    const server = this.options.tls
      ? createTlsServer(this.options.tls, onSocket)
      : createTcpServer(onSocket);
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.removeListener('error', reject);
        server.on('error', (error: Error) => this.emit('listenerError', error));
        const address = server.address() as AddressInfo;
        resolve({ host: address.address, port: address.port });
      });
    });
  }

  /**
   * Stops accepting and resolves once the port is released. Sessions still open after
   * graceMs (default 0: at once) are destroyed; their owner should have closed them by then.
   */
  close(graceMs = 0): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        for (const session of this.sessions) session.destroy();
      }, graceMs);
      server.close(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
