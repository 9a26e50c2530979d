import {
  ClusterProcesses,
  GatewayProcess,
  type SimulatorProcess,
  writeGatewayConfig,
} from '@tuxhat/system-harness';
import { FINAL_STATUSES } from '@tuxhat/contracts';
import { bumpConfigRevision, createDatabase } from '@tuxhat/database';
import { createTestDatabase, type TestDatabase } from '@tuxhat/testing';

import { GrpcClient, HttpClient, type HttpRequest, expectStatus } from '../lib/clients';
import { walPosition } from '../lib/wal';
import type { BenchTarget, HistoryEntry, SubmitOptions } from './target';

export type TuxhatMode = 'all-in-one-postgres' | 'all-in-one-pglite' | 'cluster';

const NAMES: Record<TuxhatMode, string> = {
  'all-in-one-postgres': 'TuxHat all-in-one (PostgreSQL)',
  'all-in-one-pglite': 'TuxHat all-in-one (embedded PGlite)',
  cluster: 'TuxHat cluster (6 processes, Kafka)',
};

/** The gateway in one of its modes, with one tenant and the simulator as its only carrier. */
export async function startTuxhat(
  mode: TuxhatMode,
  simulator: SimulatorProcess,
  options: { sockets: number; brokers?: string; finalReportsTo?: string; receipts?: boolean },
): Promise<BenchTarget> {
  const receipts = options.receipts ?? true;
  const config = writeGatewayConfig(
    ['bench'],
    [
      {
        id: 'sim',
        port: simulator.port,
        password: simulator.password,
        prefix: '+38267',
        ...(receipts ? {} : { registeredDelivery: 'none' as const }),
      },
    ],
  );
  const tenant = config.tenants[0];
  // BENCH_PROFILE_DIR=dir writes a V8 CPU profile of every gateway process (and thread) into
  // dir on exit. As node flags: Node refuses --cpu-prof in NODE_OPTIONS.
  const profileDir = process.env.BENCH_PROFILE_DIR;
  const nodeFlags = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const quiet = {
    LOG_LEVEL: 'warn',
    // As the Docker image runs it (sampled publish-time validation of events).
    NODE_ENV: 'production',
  };
  let database: TestDatabase | undefined;
  let stopSystem: () => Promise<void>;
  let pids: () => number[];
  let httpUrl: string;
  let grpcAddress: string;

  if (mode === 'cluster') {
    if (!options.brokers) throw new Error('cluster mode needs KAFKA_BROKERS');
    database = await createTestDatabase('bench_cluster');
    const cluster = await ClusterProcesses.start({
      brokers: options.brokers,
      databaseUrl: database.url,
      configFile: config.file,
      env: quiet,
      nodeFlags,
    });
    stopSystem = () => cluster.stop();
    if (options.finalReportsTo) {
      // No admin API in cluster mode: the path goes straight into the database the services
      // read their configuration from (they reload within a second of the revision bump).
      const admin = await createDatabase({ url: database.url });
      try {
        await admin.prisma.$transaction(async (tx) => {
          await tx.dlrPath.create({ data: finalReportsPath(tenant.id, options.finalReportsTo!) });
          await bumpConfigRevision(tx);
        });
      } finally {
        await admin.close();
      }
    }
    pids = () => cluster.pids();
    httpUrl = cluster.httpUrl;
    grpcAddress = cluster.grpcAddress;
  } else {
    if (mode === 'all-in-one-postgres') database = await createTestDatabase('bench_aio');
    const gateway = await GatewayProcess.create(
      {
        TUXHAT_CONFIG: config.file,
        SIMULATOR: 'false',
        ...quiet,
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
      nodeFlags,
    );
    await gateway.start();
    if (options.finalReportsTo) {
      const created = await gateway
        .admin()
        .post('/dlr/paths', finalReportsPath(tenant.id, options.finalReportsTo));
      if (created.status !== 201) throw new Error(`DLR path not created: HTTP ${created.status}`);
    }
    stopSystem = () => gateway.dispose();
    pids = () => (gateway.process?.pid === undefined ? [] : [gateway.process.pid]);
    httpUrl = gateway.httpUrl;
    grpcAddress = gateway.grpcAddress;
  }

  const onPostgres = database?.database;
  const http = new HttpClient(httpUrl, options.sockets);
  const grpc = new GrpcClient(grpcAddress, tenant.key.key);
  const headers = { authorization: `Bearer ${tenant.key.key}`, 'content-type': 'application/json' };
  const submitRequest = (to: string, text: string, options: SubmitOptions = {}): HttpRequest => {
    const body = JSON.stringify({
      to,
      from: 'TuxHat',
      text,
      ...(options.priority ? { priority: options.priority } : {}),
      ...(options.reportUrl ? { callbackUrl: options.reportUrl } : {}),
    });
    return { method: 'POST', path: '/v1/messages', headers, body };
  };
  return {
    name: receipts ? NAMES[mode] : `${NAMES[mode]}, no receipts`,
    pids,
    httpUrl,
    submitRequest,
    async submit(to, text, options) {
      const response = await http.send(submitRequest(to, text, options));
      expectStatus(response, 202);
      return (JSON.parse(response.body) as { id: string }).id;
    },
    async history(id) {
      const response = await http.send({ method: 'GET', path: `/v1/messages/${id}`, headers });
      expectStatus(response, 200);
      return (JSON.parse(response.body) as { history: HistoryEntry[] }).history;
    },
    async submitBatch(to, texts, priority) {
      const body = JSON.stringify({
        messages: texts.map((text) => ({
          to,
          from: 'TuxHat',
          text,
          ...(priority ? { priority } : {}),
        })),
      });
      const response = await http.send({
        method: 'POST',
        path: '/v1/messages/batch',
        headers,
        body,
      });
      if (response.status !== 202 && response.status !== 207 && response.status !== 200) {
        expectStatus(response, 202);
      }
    },
    async submitGrpc(to, text) {
      await grpc.submit({ to, from: 'TuxHat', text });
    },
    ...(onPostgres ? { database: onPostgres, walPosition: () => walPosition(onPostgres) } : {}),
    async stop() {
      http.close();
      grpc.close();
      await stopSystem();
      await database?.drop();
    },
  };
}

/**
 * A webhook path with the final statuses only: a message's own callbackUrl then gets its final
 * status alone, as Kannel's dlr-mask=1 reports only the final receipt (without it every status
 * of a message, accepted, routed, sent and the final one, is called back).
 */
function finalReportsPath(tenantId: string, url: string) {
  return {
    id: 'bench-final-reports',
    tenantId,
    kind: 'webhook' as const,
    url,
    statuses: [...FINAL_STATUSES],
  };
}
