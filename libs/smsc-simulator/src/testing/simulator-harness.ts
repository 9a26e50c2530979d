import { EsmeClient, type EsmeClientOptions } from '@tuxhat/smpp';
import { SmscSimulator, type SmscSimulatorEvents } from '../smsc-simulator';
import type { SmscSimulatorOptions } from '../smsc-simulator.options';

export const ACCOUNT = { systemId: 'tuxhat', password: 'secret' } as const;

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Resolves with the first `count` payloads of a simulator event (no sleeping). */
export function collect<K extends keyof SmscSimulatorEvents>(
  simulator: SmscSimulator,
  event: K,
  count: number,
): Promise<Array<SmscSimulatorEvents[K][0]>> {
  return new Promise((resolve) => {
    const seen: Array<SmscSimulatorEvents[K][0]> = [];
    const listener = (...args: SmscSimulatorEvents[K]): void => {
      seen.push(args[0]);
      if (seen.length === count) {
        simulator.off(event, listener as never);
        resolve(seen);
      }
    };
    simulator.on(event, listener as never);
  });
}

/** Starts simulators and clients on 127.0.0.1 ephemeral ports and tears all of them down. */
export class Harness {
  private readonly simulators: SmscSimulator[] = [];
  private readonly clients: EsmeClient[] = [];

  async simulator(
    options: SmscSimulatorOptions = {},
  ): Promise<{ simulator: SmscSimulator; port: number }> {
    const simulator = new SmscSimulator({
      accounts: [{ ...ACCOUNT }],
      deliveryDelayMs: 5,
      ...options,
    });
    this.simulators.push(simulator);
    const { port } = await simulator.start();
    return { simulator, port };
  }

  /** A client with test-friendly defaults: no enquire_link timer, no reconnect unless asked. */
  client(port: number, options: Partial<EsmeClientOptions> = {}): EsmeClient {
    const client = new EsmeClient({
      host: '127.0.0.1',
      port,
      ...ACCOUNT,
      enquireLinkIntervalMs: 0,
      reconnect: false,
      responseTimeoutMs: 5_000,
      closeTimeoutMs: 2_000,
      ...options,
    });
    this.clients.push(client);
    return client;
  }

  async boundClient(port: number, options: Partial<EsmeClientOptions> = {}): Promise<EsmeClient> {
    const client = this.client(port, options);
    await client.connect();
    return client;
  }

  async cleanup(): Promise<void> {
    await Promise.all(this.clients.splice(0).map((client) => client.close()));
    await Promise.all(this.simulators.splice(0).map((simulator) => simulator.stop()));
  }
}
