import type { MessagePort } from 'node:worker_threads';

import type { ListenerTls } from '@tuxhat/ingress';
import type { HealthReport, MetricsSnapshot } from '@tuxhat/observability';

/**
 * What the main thread and the ingress worker say to each other over the worker's own port
 * (the bus has its own MessagePort, `bus`: see ThreadBridgedBroker).
 */
export interface IngressWorkerData {
  readonly bus: MessagePort;
  readonly databaseUrl: string;
  readonly httpHost: string;
  readonly httpPort: number;
  readonly grpcHost: string;
  readonly grpcPort: number;
  /** The listeners' TLS, read (and checked) by the main thread at boot. */
  readonly tls?: ListenerTls;
  /** MESSAGE_RETENTION_DAYS: ingress deletes its messages past it (unset: never). */
  readonly messageRetentionDays?: number;
  /** The main thread's bus backlog (SharedBusBacklog), shared, and the limit it is full at. */
  readonly backlog: SharedArrayBuffer;
  readonly backlogLimit: number;
}

/** The main thread's questions, each answered with a reply of the same kind and id. */
export type IngressWorkerRequest =
  | { readonly kind: 'metrics'; readonly id: number }
  | { readonly kind: 'readiness'; readonly id: number };

export type ToIngressWorker = IngressWorkerRequest | { readonly kind: 'close' };

export type IngressWorkerReply =
  | { readonly kind: 'metrics'; readonly id: number; readonly snapshot: MetricsSnapshot }
  | { readonly kind: 'readiness'; readonly id: number; readonly report: HealthReport };

export type FromIngressWorker =
  | IngressWorkerReply
  | { readonly kind: 'ready'; readonly httpUrl: string; readonly grpcUrl: string }
  | { readonly kind: 'closed' };
