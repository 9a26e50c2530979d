import { Worker } from 'node:worker_threads';

import {
  type HealthChecks,
  type HealthStatus,
  type Metrics,
  processHealth,
  processMetrics,
} from '@tuxhat/observability';

import type {
  FromIngressWorker,
  IngressWorkerData,
  ToIngressWorker,
} from './ingress-thread.protocol';
import { WorkerRequests } from './worker-requests';

export interface IngressThreadOptions {
  /** The worker's script (INGRESS_WORKER_ENTRY; a stand-in in tests). */
  readonly entry: string;
  /** Handed to the worker; its bus port is transferred there. */
  readonly workerData: IngressWorkerData;
  /**
   * The worker died after it had started. The gateway exits then (a supervisor restarts it):
   * a half gateway that accepts nothing, or whose statuses go nowhere, must not look alive.
   */
  readonly onDeath: (error: Error) => void;
  readonly metrics?: Metrics;
  readonly health?: HealthChecks;
  /**
   * How long the worker may take to serve (default 60 s) before the start fails and the
   * worker is ended: a worker stuck while booting must fail the gateway's boot, not hang it.
   */
  readonly startTimeoutMs?: number;
}

const DEFAULT_START_TIMEOUT_MS = 60_000;

export interface RunningIngressThread {
  readonly httpUrl: string;
  readonly grpcUrl: string;
  /** Asks the worker to close ingress (in-flight requests finish) and ends the thread. */
  close(): Promise<void>;
}

/**
 * Runs ingress on a worker thread (see ingress-worker.ts) and makes it part of this process:
 * its metrics in this thread's /metrics, its readiness in this thread's readiness probe (the
 * check "ingress worker"), its death the process's. Resolves once it serves.
 */
export async function startIngressThread(
  options: IngressThreadOptions,
): Promise<RunningIngressThread> {
  const worker = new Worker(options.entry, {
    workerData: options.workerData,
    transferList: [options.workerData.bus],
  });
  const requests = new WorkerRequests(worker);
  let phase: 'starting' | 'running' | 'closing' = 'starting';
  let failure: Error | undefined;
  let signalReady: (urls: { httpUrl: string; grpcUrl: string }) => void = () => undefined;
  let signalClosed: () => void = () => undefined;
  const startTimeoutMs = options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  // Ending the worker fails the start through its 'exit', with this as the reason.
  const startTimer = setTimeout(() => {
    failure = new Error(`ingress worker did not start within ${startTimeoutMs} ms`);
    void worker.terminate();
  }, startTimeoutMs);
  const closed = new Promise<void>((resolve) => (signalClosed = resolve));
  const ready = new Promise<{ httpUrl: string; grpcUrl: string }>((resolve, reject) => {
    signalReady = resolve;
    worker.on('exit', (code) => {
      clearTimeout(startTimer);
      requests.stop(new Error(`ingress worker exited with code ${code}`));
      signalClosed();
      const error = failure ?? new Error(`ingress worker exited with code ${code}`);
      if (phase === 'starting') reject(error);
      else if (phase === 'running') options.onDeath(error);
    });
  });
  // Emitted before 'exit' when the worker throws: the reason exit reports.
  worker.on('error', (error: Error) => {
    failure = error;
  });
  worker.on('message', (message: FromIngressWorker) => {
    switch (message.kind) {
      case 'ready':
        // Running from this very message on: a death right after it is a death, not a failed start.
        phase = 'running';
        clearTimeout(startTimer);
        signalReady(message);
        return;
      case 'closed':
        signalClosed();
        return;
      case 'metrics':
      case 'readiness':
        requests.answer(message);
        return;
    }
  });

  const urls = await ready;
  const stopMerging = (options.metrics ?? processMetrics()).mergeThread(
    'ingress',
    async () => (await requests.ask('metrics')).snapshot,
  );
  const unregister = (options.health ?? processHealth()).register({
    name: 'ingress worker',
    probes: ['readiness'],
    check: async (): Promise<HealthStatus> => {
      const { report } = await requests.ask('readiness');
      if (report.ok) return { ok: true, detail: 'ingress on its own worker thread' };
      const failing = report.checks.filter((check) => !check.ok);
      return {
        ok: false,
        detail:
          report.status === 'starting'
            ? 'starting'
            : failing.map((check) => `${check.name}: ${check.detail ?? 'failing'}`).join('; '),
      };
    },
  });

  let closing: Promise<void> | undefined;
  return {
    ...urls,
    close: () =>
      (closing ??= (async () => {
        phase = 'closing';
        unregister();
        stopMerging();
        worker.postMessage({ kind: 'close' } satisfies ToIngressWorker);
        await closed;
        await worker.terminate();
      })()),
  };
}
