import type { PriorityClass } from '@tuxhat/contracts';
import {
  type BackoffPolicy,
  SmppClientError,
  SmppNotBoundError,
  type SubmitPartOutcome,
  type SubmitSmParams,
  type SubmitSmResponse,
  backoffDelay,
} from '@tuxhat/smpp';

import {
  type StatusPolicy,
  THROTTLING_COMMAND_STATUSES,
  classifySubmitOutcome,
} from '../submit-error.classifier';
import { PriorityQueue, TokenBucket } from '@tuxhat/connector-kit';

/** One transmit-capable bind as the dispatcher drives it (an EsmeClient in production). */
export interface SubmitChannel {
  /** Bound, and so able to take a submit_sm now. */
  readonly canSubmitNow: boolean;
  submitSm(params: SubmitSmParams): Promise<SubmitSmResponse>;
}

export interface BindLaneOptions {
  readonly channel: SubmitChannel;
  /** submit_sm awaiting a response on this bind at most (the SMPP window). */
  readonly windowSize: number;
  /** submit_sm per second on this bind; absent: no limit beyond the window. */
  readonly ratePerSecond?: number;
}

/**
 * submitted: a submit_sm written. errors: a part that ended in an error status or a client
 * error. faults: those errors the classifier makes `failover` (the carrier's or the link's
 * fault: a retryable status, a response timeout, the connection lost), not the message's.
 * throttled: a throttling answer. A part given up because no bind came up is an error, not a
 * fault: it was never submitted, and the binds' state is health's own input.
 */
export type DispatchCounter = 'submitted' | 'errors' | 'faults' | 'throttled';

export interface CarrierDispatcherOptions {
  /** submit_sm per second for the carrier as a whole, across its binds. */
  readonly carrierRatePerSecond?: number;
  /** How often a part the carrier throttled is tried again here before the caller hears of it. */
  readonly throttleRetries: number;
  /** How long a bind rests after each throttling answer in a row. */
  readonly throttleBackoff: BackoffPolicy;
  /** How long a part waits for a bind to come up before it is given up (SMPP_NOT_BOUND). */
  readonly notBoundWaitMs: number;
  /** The carrier's view of its command_status values, to tell faults from refusals. */
  readonly statusPolicy?: StatusPolicy;
  readonly onCount?: (counter: DispatchCounter) => void;
  readonly random?: () => number;
  readonly now?: () => number;
}

interface Lane {
  readonly channel: SubmitChannel;
  readonly windowSize: number;
  readonly bucket: TokenBucket | undefined;
  inFlight: number;
  /** Rests until then after a throttling answer. */
  pausedUntil: number;
  throttleStreak: number;
  dispatched: number;
}

interface Entry {
  readonly params: SubmitSmParams;
  readonly priority: PriorityClass;
  /** Since when it waits for a bind (restarted when the carrier's binds were replaced). */
  enqueuedAt: number;
  throttles: number;
  resends: number;
  readonly settle: (outcome: SubmitPartOutcome) => void;
}

/** A part that was never written is sent again on another bind at most this often. */
const MAX_RESENDS = 3;

/**
 * Spreads one carrier's submit_sm over its binds. In front of the binds sits a queue served by
 * class of service (OTP first); a part leaves it only when a bind is bound, has room in its
 * window and a token in its throughput bucket, and the carrier's own bucket has one too; among
 * such binds the least loaded gets it. A throttling answer (ESME_RTHROTTLED, ESME_RMSGQFUL)
 * rests that bind with exponential back-off and puts the part back at the head of its class,
 * up to `throttleRetries` times. Parts wait at most `notBoundWaitMs` while no bind is up.
 *
 * When the carrier's settings change while running, hold() stops dispatching (the queue keeps
 * its parts) and resolves once every submit_sm in flight is answered; replaceBinds() puts the
 * new binds in; resume() dispatches again. So no part is lost or sent twice over a change.
 */
export class CarrierDispatcher {
  private lanes: Lane[];
  private readonly queue = new PriorityQueue<Entry>();
  private carrierBucket: TokenBucket | undefined;
  private options: CarrierDispatcherOptions;
  private readonly now: () => number;
  private readonly random: () => number;
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;
  private notBoundTimer: NodeJS.Timeout | undefined;
  private cursor = 0;
  private closed = false;
  private closedReason = 'closing';
  private held = false;
  /** hold() callers waiting for the last response in flight. */
  private idleWaiters: (() => void)[] = [];

  constructor(binds: readonly BindLaneOptions[], options: CarrierDispatcherOptions) {
    this.options = options;
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.lanes = this.lanesOf(binds);
    this.carrierBucket = this.carrierBucketOf(options.carrierRatePerSecond);
  }

  private lanesOf(binds: readonly BindLaneOptions[]): Lane[] {
    return binds.map((bind) => ({
      channel: bind.channel,
      windowSize: bind.windowSize,
      bucket: bind.ratePerSecond ? TokenBucket.forRate(bind.ratePerSecond, this.now) : undefined,
      inFlight: 0,
      pausedUntil: 0,
      throttleStreak: 0,
      dispatched: 0,
    }));
  }

  private carrierBucketOf(ratePerSecond: number | undefined): TokenBucket | undefined {
    return ratePerSecond ? TokenBucket.forRate(ratePerSecond, this.now) : undefined;
  }

  /** Parts waiting for a slot. */
  get queued(): number {
    return this.queue.size;
  }

  /** submit_sm sent and not answered, all binds. */
  get outstanding(): number {
    return this.lanes.reduce((sum, lane) => sum + lane.inFlight, 0);
  }

  /** submit_sm written on each bind so far, in bind order. */
  dispatchedPerBind(): number[] {
    return this.lanes.map((lane) => lane.dispatched);
  }

  /**
   * Queues one part and resolves with its outcome: the carrier's response (any command_status,
   * a throttling one only after `throttleRetries` tries), or the client error that prevented
   * one. Never rejects.
   */
  submit(params: SubmitSmParams, priority: PriorityClass): Promise<SubmitPartOutcome> {
    if (this.closed) {
      return Promise.resolve({ ok: false, error: new SmppNotBoundError(this.closedReason) });
    }
    return new Promise((settle) => {
      this.queue.push(priority, {
        params,
        priority,
        enqueuedAt: this.now(),
        throttles: 0,
        resends: 0,
        settle,
      });
      this.pump();
    });
  }

  /** A bind came up (or anything else changed): send what can go. */
  wake(): void {
    this.pump();
  }

  /**
   * Refuses what is still queued and what comes later, as not bound (shutdown, or the carrier
   * disabled: its messages fail over); parts already sent settle with their responses.
   */
  close(reason = 'closing'): void {
    this.closed = true;
    this.closedReason = reason;
    this.clearWake();
    clearTimeout(this.notBoundTimer);
    this.notBoundTimer = undefined;
    for (const entry of this.queue.takeWhere(() => true)) {
      entry.settle({ ok: false, error: new SmppNotBoundError(reason) });
    }
  }

  /**
   * Stops dispatching until resume(): parts wait in the queue (none gives up for want of a
   * bind meanwhile). Resolves once no submit_sm is in flight on any bind: each was answered, or
   * failed into the caller's usual path (a response timeout, the connection lost).
   */
  hold(): Promise<void> {
    this.held = true;
    this.clearWake();
    clearTimeout(this.notBoundTimer);
    this.notBoundTimer = undefined;
    if (this.outstanding === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** The carrier's binds and limits after a change of its settings; call it while held. */
  replaceBinds(
    binds: readonly BindLaneOptions[],
    options: Pick<CarrierDispatcherOptions, 'carrierRatePerSecond' | 'statusPolicy'>,
  ): void {
    this.lanes = this.lanesOf(binds);
    this.cursor = 0;
    this.carrierBucket = this.carrierBucketOf(options.carrierRatePerSecond);
    this.options = { ...this.options, ...options };
  }

  /** Dispatches again; the parts that waited get the full notBoundWaitMs from now. */
  resume(): void {
    this.held = false;
    const now = this.now();
    for (const entry of this.queue.takeWhere(() => true)) {
      entry.enqueuedAt = now;
      this.queue.push(entry.priority, entry);
    }
    this.pump();
  }

  private pump(): void {
    if (this.closed || this.held) return;
    while (this.queue.size > 0) {
      const now = this.now();
      const carrierWait = this.carrierBucket?.msUntilToken() ?? 0;
      if (carrierWait > 0) {
        this.wakeIn(carrierWait);
        return;
      }
      const lane = this.pickLane(now);
      if (!lane) {
        this.waitForLane(now);
        return;
      }
      this.carrierBucket?.tryTake();
      lane.bucket?.tryTake();
      const entry = this.queue.shift();
      if (!entry) return;
      this.dispatch(lane, entry);
    }
  }

  /** The least loaded bind that can send now; round-robin among equals. */
  private pickLane(now: number): Lane | undefined {
    let best: Lane | undefined;
    for (let i = 0; i < this.lanes.length; i++) {
      const lane = this.lanes[(this.cursor + i) % this.lanes.length];
      if (!lane.channel.canSubmitNow || lane.inFlight >= lane.windowSize) continue;
      if (lane.pausedUntil > now || (lane.bucket?.msUntilToken() ?? 0) > 0) continue;
      if (!best || lane.inFlight < best.inFlight) best = lane;
    }
    if (best) this.cursor = (this.lanes.indexOf(best) + 1) % this.lanes.length;
    return best;
  }

  /**
   * Nothing can go now. A bind resting or waiting for a token is woken by a timer; a full
   * window by the next response; no bind up at all by a bind coming up, or by the deadline of
   * the oldest waiting part.
   */
  private waitForLane(now: number): void {
    const bound = this.lanes.filter((lane) => lane.channel.canSubmitNow);
    if (bound.length === 0) {
      this.armNotBoundDeadline(now);
      return;
    }
    let soonest = Number.POSITIVE_INFINITY;
    for (const lane of bound) {
      if (lane.inFlight >= lane.windowSize) continue;
      const wait = Math.max(lane.pausedUntil - now, lane.bucket?.msUntilToken() ?? 0);
      soonest = Math.min(soonest, wait);
    }
    if (Number.isFinite(soonest)) this.wakeIn(Math.max(1, soonest));
  }

  private dispatch(lane: Lane, entry: Entry): void {
    lane.inFlight++;
    lane.dispatched++;
    this.options.onCount?.('submitted');
    lane.channel.submitSm(entry.params).then(
      (response) => {
        lane.inFlight--;
        this.onResponse(lane, entry, response);
        this.afterResponse();
      },
      (error: unknown) => {
        lane.inFlight--;
        this.onError(entry, error);
        this.afterResponse();
      },
    );
  }

  private afterResponse(): void {
    if (this.idleWaiters.length > 0 && this.outstanding === 0) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
    this.pump();
  }

  private onResponse(lane: Lane, entry: Entry, response: SubmitSmResponse): void {
    if (!THROTTLING_COMMAND_STATUSES.has(response.commandStatus)) {
      if (response.commandStatus === 0) {
        lane.throttleStreak = 0;
        entry.settle({ ok: true, response });
      } else {
        this.settleFailed(entry, { ok: true, response });
      }
      return;
    }
    this.options.onCount?.('throttled');
    lane.pausedUntil =
      this.now() + backoffDelay(this.options.throttleBackoff, lane.throttleStreak, this.random);
    lane.throttleStreak++;
    if (entry.throttles < this.options.throttleRetries && !this.closed) {
      entry.throttles++;
      this.queue.pushFront(entry.priority, entry);
      return;
    }
    entry.settle({ ok: true, response });
  }

  private onError(entry: Entry, error: unknown): void {
    const clientError =
      error instanceof SmppClientError ? error : new SmppNotBoundError(String(error));
    // Never written (the bind dropped between the pick and the write): another bind may take it.
    if (!clientError.sent && entry.resends < MAX_RESENDS && !this.closed) {
      entry.resends++;
      this.queue.pushFront(entry.priority, entry);
      return;
    }
    this.settleFailed(entry, { ok: false, error: clientError });
  }

  /** Counts an error status or a client error, and whether it is the carrier's fault. */
  private settleFailed(entry: Entry, outcome: SubmitPartOutcome): void {
    this.options.onCount?.('errors');
    if (classifySubmitOutcome(outcome, this.options.statusPolicy).kind === 'failover') {
      this.options.onCount?.('faults');
    }
    entry.settle(outcome);
  }

  private armNotBoundDeadline(now: number): void {
    if (this.notBoundTimer) return;
    const oldest = this.queue.reduce((min, entry) => Math.min(min, entry.enqueuedAt), now);
    const wait = Math.max(1, oldest + this.options.notBoundWaitMs - now);
    this.notBoundTimer = setTimeout(() => {
      this.notBoundTimer = undefined;
      this.expireWaiting();
      this.pump();
    }, wait);
    this.notBoundTimer.unref();
  }

  /** Gives up the parts that waited longer than notBoundWaitMs while no bind was up. */
  private expireWaiting(): void {
    if (this.lanes.some((lane) => lane.channel.canSubmitNow)) return;
    const deadline = this.now() - this.options.notBoundWaitMs;
    for (const entry of this.queue.takeWhere((item) => item.enqueuedAt <= deadline)) {
      this.options.onCount?.('errors');
      entry.settle({ ok: false, error: new SmppNotBoundError('not bound (no bind up)') });
    }
  }

  private wakeIn(ms: number): void {
    const at = this.now() + ms;
    if (this.wakeTimer && at >= this.wakeAt) return;
    this.clearWake();
    this.wakeAt = at;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    }, ms);
    this.wakeTimer.unref();
  }

  private clearWake(): void {
    clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Number.POSITIVE_INFINITY;
  }
}
