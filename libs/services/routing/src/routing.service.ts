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
  readonly outbound?: SmsOutboundEvent;
  readonly status: SmsStatusEvent;
}

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

  reroute(event: SmsRerouteEvent, at: BatchInstant = this.instant()): RoutingStep {
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
    return this.step(decision, {
      message,
      envelopeOf,
      prefix: `reroute: ${why}`,
      attempt: event.attempt + 1,
      tried,
    });
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
   * The step of a message routing gives up on: its `failed` status alone (naming the carrier
   * and route tried last, if any).
   */
  private failed(
    message: SmsAcceptedEvent['message'],
    envelopeOf: (purpose: string) => EventEnvelope,
    detail: string,
    errorCode: SmsStatusEvent['errorCode'],
    lastTried?: Pick<SmsStatusEvent, 'carrierId' | 'routeId'>,
  ): RoutingStep {
    this.logger.debug(`${message.messageId}: ${detail}`);
    return {
      status: {
        ...envelopeOf('status'),
        messageId: message.messageId,
        tenantId: message.tenantId,
        status: 'failed',
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
