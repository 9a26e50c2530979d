// Tracing and metrics first, before any other module loads.
import './ingress-worker.observability';
import 'reflect-metadata';

import { type MessagePort, parentPort, workerData } from 'node:worker_threads';

import { createDatabase } from '@tuxhat/database';
import { startIngress } from '@tuxhat/ingress';
import { Bus, SharedBusBacklog, ThreadBridgedBroker } from '@tuxhat/messaging';
import { flushTracing, processHealth, processMetrics } from '@tuxhat/observability';
import { createLogger, systemClock } from '@tuxhat/runtime';

import type {
  FromIngressWorker,
  IngressWorkerData,
  ToIngressWorker,
} from './ingress-thread.protocol';

/**
 * The all-in-one gateway's ingress worker thread (see ingress-placement.ts): the tenant API,
 * REST and gRPC, and its status projector, on an event loop of their own. Its bus is joined
 * to the main thread's (ThreadBridgedBroker); it has its own PostgreSQL pool. The main thread
 * migrated the database already.
 */
async function main(port: MessagePort, data: IngressWorkerData): Promise<void> {
  const logger = createLogger('gateway');
  const broker = new ThreadBridgedBroker(data.bus);
  const database = await createDatabase({
    url: data.databaseUrl,
    applicationName: 'tuxhat-gateway-ingress',
  });
  const ingress = await startIngress(
    {
      bus: Bus.create({ kind: 'in-process', broker }, logger),
      prisma: database.prisma,
      clock: systemClock,
    },
    {
      httpHost: data.httpHost,
      httpPort: data.httpPort,
      grpcHost: data.grpcHost,
      grpcPort: data.grpcPort,
      tls: data.tls,
      messageRetentionDays: data.messageRetentionDays,
      backlog: new SharedBusBacklog(data.backlog, data.backlogLimit),
      logger,
      shutdownHooks: false,
    },
  );
  processHealth().markStarted();
  // Once the main thread has this thread's subscriptions, its status events come here.
  await broker.synced();

  const send = (message: FromIngressWorker) => port.postMessage(message);
  const handle = async (message: ToIngressWorker): Promise<void> => {
    switch (message.kind) {
      case 'metrics':
        send({ kind: 'metrics', id: message.id, snapshot: await processMetrics().snapshot() });
        return;
      case 'readiness':
        send({
          kind: 'readiness',
          id: message.id,
          report: await processHealth().report('readiness'),
        });
        return;
      case 'close':
        await ingress.close();
        // What ingress published while closing reaches the main thread before "closed".
        await broker.synced();
        broker.close();
        await database.close();
        await flushTracing();
        send({ kind: 'closed' });
        return;
    }
  };
  port.on('message', (message: ToIngressWorker) => {
    handle(message).catch((error: unknown) => fail(error));
  });
  send({ kind: 'ready', httpUrl: ingress.httpUrl, grpcUrl: ingress.grpcUrl });
}

/** Thrown outside any promise, the error ends the thread and reaches the main thread's 'error'. */
function fail(error: unknown): void {
  setImmediate(() => {
    throw error;
  });
}

if (!parentPort) throw new Error('ingress-worker runs as a worker thread of the gateway');
main(parentPort, workerData as IngressWorkerData).catch(fail);
