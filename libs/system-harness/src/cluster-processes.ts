import { ServiceProcess, waitFor } from '@tuxhat/testing';

import { freePort } from './free-port';
import { skipEarlierRecords } from './skip-earlier-records';

export interface ClusterOptions {
  readonly brokers: string;
  readonly databaseUrl: string;
  /** Gateway config file (tenants, carriers, routes) seeded into the database first. */
  readonly configFile: string;
  /** Extra environment for every service (e.g. LOG_LEVEL). */
  readonly env?: Record<string, string>;
  /** Flags for node in every service process, e.g. --cpu-prof. */
  readonly nodeFlags?: readonly string[];
}

/** The consumer services, started before ingress so nothing it publishes waits for them. */
const CONSUMERS = ['dlr', 'accounting', 'smpp-connector', 'routing', 'policy'] as const;

/**
 * Cluster mode as deployed, on one machine: the config seeded, the topics provisioned, then
 * every service its own OS process over the given Kafka and PostgreSQL.
 */
export class ClusterProcesses {
  readonly services: ServiceProcess[] = [];

  /** Ingress's ports, chosen at boot. */
  httpPort = 0;
  grpcPort = 0;

  private constructor(private readonly options: ClusterOptions) {}

  /** Boots the cluster; if it does not come up, stops what did start (no orphans). */
  static async start(options: ClusterOptions): Promise<ClusterProcesses> {
    const cluster = new ClusterProcesses(options);
    try {
      await cluster.boot();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.httpPort}`;
  }

  get grpcAddress(): string {
    return `127.0.0.1:${this.grpcPort}`;
  }

  pids(): number[] {
    return this.services.flatMap((service) => (service.pid === undefined ? [] : [service.pid]));
  }

  async stop(): Promise<void> {
    await Promise.all(this.services.map((service) => service.stop()));
  }

  private async boot(): Promise<void> {
    const env = {
      KAFKA_BROKERS: this.options.brokers,
      DATABASE_URL: this.options.databaseUrl,
      ...this.options.env,
    };
    await runToCompletion(
      new ServiceProcess('seed', 'dist/scripts/db/seed.js', env, [this.options.configFile]),
    );
    await runToCompletion(
      new ServiceProcess('provision-topics', 'dist/scripts/kafka/provision-topics.js', env),
    );
    // A fresh database: what earlier runs left in the shared topics is not this cluster's.
    await skipEarlierRecords(this.options.brokers.split(','));
    const flags = this.options.nodeFlags ?? [];
    for (const name of CONSUMERS) {
      this.services.push(
        new ServiceProcess(name, `dist/apps/${name}/src/main.js`, env, [], flags).start(),
      );
    }
    await this.startIngress(env, flags);
  }

  /**
   * freePort() only finds a port free at that moment: another process may take it before
   * ingress listens (EADDRINUSE, seen in CI). Ingress then exits at once, and gets other ports.
   */
  private async startIngress(env: Record<string, string>, flags: readonly string[]) {
    for (let attempt = 1; ; attempt++) {
      this.httpPort = await freePort();
      this.grpcPort = await freePort();
      const ingress = new ServiceProcess(
        'ingress',
        'dist/apps/ingress/src/main.js',
        { ...env, HTTP_PORT: String(this.httpPort), GRPC_PORT: String(this.grpcPort) },
        [],
        flags,
      ).start();
      this.services.push(ingress);
      const outcome = await waitFor(
        'ingress to answer or exit',
        async () => {
          if (ingress.exitCode !== null) return 'exited';
          try {
            return (await fetch(`${this.httpUrl}/v1/messages/none`)).status === 401
              ? 'up'
              : undefined;
          } catch {
            return undefined;
          }
        },
        { timeoutMs: 90_000 },
      );
      if (outcome === 'up') return;
      this.services.splice(this.services.indexOf(ingress), 1);
      if (attempt === 3 || !ingress.logs.includes('EADDRINUSE')) {
        throw new Error(
          `ingress exited at boot (${ingress.exitCode}):\n${ingress.logs.slice(-2_000)}`,
        );
      }
    }
  }
}

/** Runs a one-shot process (a migration, a seed) and fails loudly when it does. */
export async function runToCompletion(process: ServiceProcess): Promise<void> {
  process.start();
  const code = await process.exited();
  if (code !== 0) throw new Error(`${process.name} exited with ${code}\n${process.tail()}`);
}
