import type { Worker } from 'node:worker_threads';

import type { IngressWorkerReply, IngressWorkerRequest } from './ingress-thread.protocol';

type Kind = IngressWorkerRequest['kind'];
type ReplyOf<K extends Kind> = Extract<IngressWorkerReply, { kind: K }>;

interface Waiting {
  readonly resolve: (reply: IngressWorkerReply) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * The main thread's questions to the ingress worker (its metrics, its readiness), matched to
 * their answers by id. A worker that does not answer in time fails the question, so a stuck
 * thread shows as a failing probe, not as a probe that hangs.
 */
export class WorkerRequests {
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 0;
  /** Why the worker answers no more (it exited): later questions fail at once with it. */
  private stopped: Error | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly timeoutMs = 5_000,
  ) {}

  ask<K extends Kind>(kind: K): Promise<ReplyOf<K>> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise<ReplyOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`ingress worker did not answer "${kind}" within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.waiting.set(id, {
        resolve: (reply) => resolve(reply as ReplyOf<K>),
        reject,
        timer,
      });
      this.worker.postMessage({ kind, id } satisfies IngressWorkerRequest);
    });
  }

  answer(reply: IngressWorkerReply): void {
    const waiting = this.waiting.get(reply.id);
    if (!waiting) return;
    this.waiting.delete(reply.id);
    clearTimeout(waiting.timer);
    waiting.resolve(reply);
  }

  /** The worker is gone: every question, asked or to come, fails with `error`. */
  stop(error: Error): void {
    this.stopped = error;
    for (const waiting of this.waiting.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.waiting.clear();
  }
}
