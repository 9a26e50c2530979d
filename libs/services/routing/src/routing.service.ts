import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  type EventEnvelope,
  type SmsAcceptedEvent,
  type SmsOutboundEvent,
  type SmsRerouteEvent,
  type SmsStatusEvent,
  deterministicUuid,
} from '@tuxhat/contracts';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import { RoutingConfigService } from './config/routing-config.service';
import { describeRouted, describeUnrouted, fitDetail } from './decision-detail';
import { CarrierHealthService } from './health/carrier-health.service';
import { type RoutingDecision, decideRoute } from './router';
import { ROUTING_OPTIONS, type RoutingOptions } from './routing.options';

/**
 * One clock reading for a whole batch: every event of the batch is stamped with it, and its ISO
 * text is made once instead of once per event.
 */
export interface BatchInstant {
  readonly now: Date;
  readonly occurredAt: string;
}

/**
 * The envelope derivedEnvelope(cause, purpose, now) gives, with the batch's time text: the same
 * id (a replay of the cause gives the same events), no Date formatting per event.
 */
function envelopeAt(cause: string, purpose: string, at: BatchInstant): EventEnvelope {
  return {
    version: 1,
    eventId: deterministicUuid(`${cause}/${purpose}`),
    occurredAt: at.occurredAt,
  };
}

/** What one routing step publishes: the outbound event when a carrier was chosen, and its status. */
export interface RoutingStep {
  readonly kind?: 'step';
  readonly outbound?: SmsOutboundEvent;
  readonly status: SmsStatusEvent;
}

/**
 * A message that no carrier can take now and that waits for one: its reroute request is looked
 * at again after `delayMs`. `status` records the wait in the history (published at the first
 * look only: RoutingConsumer).
 */
export interface CarrierWait {
  readonly kind: 'wait';
  readonly delayMs: number;
  readonly status: SmsStatusEvent;
}

/** The most a wait's looks back off to, as a multiple of RoutingOptions.carrierRetryMs. */
const MAX_RETRY_FACTOR = 12;

/**
 * Turns accepted messages and reroute requests into outbound events and status history, from
 * memory only (configuration snapshot, health board, clock): no database round trip per message.
 *
 * Event ids are derived, so a redelivered input produces the very same outputs. A reroute's
 * outputs are derived from the message and the attempt that failed, not from the reroute
 * event: two requests to reroute the same attempt (a connector timeout and a DLR trigger, say)
 * collapse into one next attempt instead of sending the message twice.
 */
/** A first attempt has tried no carrier yet (shared: decideRoute only reads it). */
const NOTHING_TRIED: ReadonlySet<string> = new Set();

@Injectable()
export class RoutingService {
  private readonly logger = new Logger(RoutingService.name);

  constructor(
    private readonly config: RoutingConfigService,
    private readonly health: CarrierHealthService,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ROUTING_OPTIONS) private readonly options: RoutingOptions,
  ) {}

  /** The clock read once for a batch (pass it to every step of the batch). */
  instant(): BatchInstant {
    const now = this.clock.now();
    return { now, occurredAt: now.toISOString() };
  }

  routeAccepted(
    { eventId, message, decision: policy }: SmsAcceptedEvent,
    at: BatchInstant = this.instant(),
  ): RoutingStep {
    const decision = this.decide(message, at.now, NOTHING_TRIED);
    return this.step(decision, {
      message,
      envelopeOf: (purpose) => envelopeAt(eventId, purpose, at),
      prefix: policy,
      attempt: 1,
      tried: [],
    });
  }

  reroute(event: SmsRerouteEvent, at: BatchInstant = this.instant()): RoutingStep | CarrierWait {
    const { message } = event;
    const { now } = at;
    const tried = [...new Set([...event.triedCarriers, event.carrierId])];
    const cause = `reroute:${message.messageId}:${event.attempt}`;
    const envelopeOf = (purpose: string) => envelopeAt(cause, purpose, at);
    const why = `${event.carrierId} failed attempt ${event.attempt} (${event.source}${
      event.errorCode ? ` ${event.errorCode}` : ''
    }: ${event.reason.slice(0, 120)})`;
    if (event.attempt >= this.options.maxAttempts) {
      const detail = fitDetail(
        `failed after ${event.attempt} attempt(s), limit ${this.options.maxAttempts}, tried ${tried.join(', ')}; last: ${why}`,
      );
      return this.failed(message, envelopeOf, detail, 'attempts_exhausted', {
        carrierId: event.carrierId,
        routeId: event.routeId,
      });
    }
    const decision = this.decide(message, now, new Set(tried));
    const prefix = `reroute: ${why}`;
    if (!decision.routed && decision.errorCode === 'no_carrier_left' && this.mayWait(event)) {
      return this.waitForCarrier(event, decision, { envelopeOf, prefix, at, tried });
    }
    return this.step(decision, {
      message,
      envelopeOf,
      prefix,
      attempt: event.attempt + 1,
      tried,
    });
  }

  /**
   * A connector's carrier failed without reaching the message (no bind up, the link down) and
   * no other carrier is left: rather than fail a message only an outage stands in the way of,
   * it waits for a carrier to come back, until its validity (or carrierWaitMs) runs out.
   * DLR triggers' resends, and failures that may have reached the carrier, do not wait.
   */
  private mayWait(event: SmsRerouteEvent): boolean {
    return event.mayHaveReached === false && this.options.carrierWaitMs > 0;
  }

  private waitForCarrier(
    event: SmsRerouteEvent,
    unrouted: Extract<RoutingDecision, { routed: false }>,
    context: {
      readonly envelopeOf: (purpose: string) => EventEnvelope;
      readonly prefix: string;
      readonly at: BatchInstant;
      readonly tried: readonly string[];
    },
  ): RoutingStep | CarrierWait {
    const { message } = event;
    const { envelopeOf, prefix, at } = context;
    const nowMs = at.now.getTime();
    // A new round: the carrier that just failed surely has not got the message, so it may get
    // it once it is healthy again. Earlier ones are left out (one may have it: a timeout).
    const rest = new Set(context.tried.filter((carrierId) => carrierId !== event.carrierId));
    const back = decideRoute(
      this.config.current,
      (carrierId) => this.health.stateOf(carrierId),
      { message, now: at.now, tried: rest },
      { lastResortUnhealthy: false },
    );
    if (back.routed) {
      return this.step(back, {
        message,
        envelopeOf,
        prefix: `${prefix}; ${back.carrierId} is healthy again`,
        attempt: event.attempt + 1,
        tried: [...rest],
      });
    }
    const validUntil = message.validUntil ? Date.parse(message.validUntil) : Infinity;
    const deadline = Math.min(
      validUntil,
      Date.parse(message.acceptedAt) + this.options.carrierWaitMs,
    );
    const deadlineText = new Date(deadline).toISOString();
    const last = { carrierId: event.carrierId, routeId: event.routeId };
    if (nowMs >= deadline) {
      const detail = fitDetail(
        `${describeUnrouted(unrouted, prefix)}; waited for a carrier until ${deadlineText}`,
      );
      return this.failed(message, envelopeOf, detail, 'no_carrier_in_time', last, 'expired');
    }
    // Looks back off with the wait so far (the reroute request is when it began).
    const waited = nowMs - Date.parse(event.occurredAt);
    const retryMs = this.options.carrierRetryMs;
    const delayMs = Math.max(
      1,
      Math.min(Math.max(waited, retryMs), retryMs * MAX_RETRY_FACTOR, deadline - nowMs),
    );
    return {
      kind: 'wait',
      delayMs,
      status: {
        ...envelopeOf('waiting'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status: 'routed',
        detail: fitDetail(
          `${describeUnrouted(unrouted, prefix)}; waiting for a carrier until ${deadlineText}`,
        ),
        source: 'routing',
        routeId: event.routeId,
      },
    };
  }

  private decide(
    message: SmsAcceptedEvent['message'],
    now: Date,
    tried: ReadonlySet<string>,
  ): RoutingDecision {
    return decideRoute(
      this.config.current,
      (carrierId) => this.health.stateOf(carrierId),
      { message, now, tried },
      { lastResortUnhealthy: this.options.lastResortUnhealthy },
    );
  }

  /**
   * The step of a message routing gives up on: its `failed` (or, when its time to wait for a
   * carrier ran out, `expired`) status alone, naming the carrier and route tried last, if any.
   */
  private failed(
    message: SmsAcceptedEvent['message'],
    envelopeOf: (purpose: string) => EventEnvelope,
    detail: string,
    errorCode: SmsStatusEvent['errorCode'],
    lastTried?: Pick<SmsStatusEvent, 'carrierId' | 'routeId'>,
    status: 'failed' | 'expired' = 'failed',
  ): RoutingStep {
    this.logger.debug(`${message.messageId}: ${detail}`);
    return {
      status: {
        ...envelopeOf('status'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status,
        detail,
        source: 'routing',
        ...lastTried,
        errorCode,
      },
    };
  }

  private step(
    decision: RoutingDecision,
    context: {
      readonly message: SmsAcceptedEvent['message'];
      readonly envelopeOf: (purpose: string) => EventEnvelope;
      readonly prefix: string;
      readonly attempt: number;
      readonly tried: readonly string[];
    },
  ): RoutingStep {
    const { message, envelopeOf, attempt } = context;
    if (!decision.routed) {
      return this.failed(
        message,
        envelopeOf,
        describeUnrouted(decision, context.prefix),
        decision.errorCode,
      );
    }
    const attemptNote = attempt > 1 ? ` (attempt ${attempt}/${this.options.maxAttempts})` : '';
    const detail = describeRouted(decision, `${context.prefix}${attemptNote}`);
    this.logger.debug(`${message.messageId}: ${detail}`);
    const cost = decision.cost ? { cost: decision.cost } : {};
    return {
      outbound: {
        ...envelopeOf('outbound'),
        message,
        carrierId: decision.carrierId,
        routeId: decision.rule.id,
        attempt,
        triedCarriers: context.tried.length === 0 ? [] : [...context.tried],
        ...cost,
      },
      status: {
        ...envelopeOf('status'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status: 'routed',
        detail,
        source: 'routing',
        carrierId: decision.carrierId,
        routeId: decision.rule.id,
        ...cost,
      },
    };
  }
}
