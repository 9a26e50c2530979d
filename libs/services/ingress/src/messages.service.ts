import { Inject, Injectable, Logger } from '@nestjs/common';
import { type MessageFields, SMS_SUBMITTED, derivedEnvelope, newEnvelope } from '@tuxhat/contracts';
import { EventPublisher, describeError } from '@tuxhat/messaging';
import { CLOCK, type Clock } from '@tuxhat/runtime';

import type { Caller } from './api-key-authenticator';
import { INGRESS_OPTIONS, type ResolvedIngressOptions } from './ingress.options';
import { MessageIdGenerator } from './message-id';
import { MessageWriter } from './message-writer';
import { type MessageView, type SubmitMessageResponse, parseSubmitMessage } from './messages.dto';
import { type MessageWithHistory, MessagesRepository } from './messages.repository';
import { ProblemError } from './problem';

/** The API a submission came through, recorded in the first history row. */
export type SubmitChannel = 'REST' | 'gRPC';

export const BUS_UNAVAILABLE_DETAIL = 'bus unavailable';

/** The tenant API's logic, shared by the REST and gRPC controllers. */
@Injectable()
export class MessagesService {
  private readonly logger = new Logger(MessagesService.name);

  constructor(
    private readonly writer: MessageWriter,
    private readonly messages: MessagesRepository,
    private readonly publisher: EventPublisher,
    private readonly ids: MessageIdGenerator,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INGRESS_OPTIONS) private readonly options: ResolvedIngressOptions,
  ) {}

  /**
   * Validates, stores (status `accepted`, with its first history row) and publishes
   * sms.submitted. Returns only once both the row is committed and the bus has the event: a
   * 2xx means the message can no longer be lost.
   */
  async submit(
    caller: Caller,
    input: unknown,
    channel: SubmitChannel,
  ): Promise<SubmitMessageResponse> {
    const request = parseSubmitMessage(input, this.options.maxParts);
    const now = this.clock.now();
    const envelope = newEnvelope(now);
    const message: MessageFields = {
      messageId: this.ids.next(now.getTime()),
      tenantId: caller.tenantId,
      destination: request.to,
      source: request.from,
      text: request.text,
      encoding: request.encoding,
      parts: request.parts,
      ...(request.clientReference === undefined
        ? {}
        : { clientReference: request.clientReference }),
      acceptedAt: now.toISOString(),
    };

    // The row first: status events for the message may follow the event within milliseconds,
    // and the projector needs the row to attach them to.
    await this.writer.write({
      message: {
        id: message.messageId,
        tenantId: message.tenantId,
        destination: message.destination,
        source: message.source,
        body: message.text,
        encoding: message.encoding,
        parts: message.parts,
        status: 'accepted',
        clientReference: message.clientReference ?? null,
        createdAt: now,
        updatedAt: now,
      },
      accepted: {
        // The history row shares the submitted event's id: it records that very event.
        eventId: envelope.eventId,
        messageId: message.messageId,
        status: 'accepted',
        detail: `received via ${channel}`,
        source: 'ingress',
        occurredAt: now,
      },
    });

    try {
      await this.publisher.publish(SMS_SUBMITTED, { ...envelope, message });
    } catch (error) {
      await this.markUnpublished(message.messageId, envelope.eventId, error);
      throw new ProblemError(
        'bus_unavailable',
        'the message could not be queued; it was not sent and is marked failed. Try again later.',
      );
    }
    return {
      id: message.messageId,
      status: 'accepted',
      encoding: message.encoding,
      parts: message.parts,
    };
  }

  async get(caller: Caller, id: string): Promise<MessageView> {
    const message = await this.messages.findForTenant(caller.tenantId, id);
    if (!message) {
      // Same answer for another tenant's id as for an unknown one: ids are not an oracle.
      throw new ProblemError('message_not_found', `no message ${id}`);
    }
    return toView(message);
  }

  /**
   * The tenant is told 503 and will likely retry: the stored message must not stay `accepted`
   * (re-driven later, it would be sent twice). If even this write fails, the row stays
   * `accepted` and the log line is all that is left to reconcile it.
   */
  private async markUnpublished(id: string, eventId: string, cause: unknown): Promise<void> {
    this.logger.error(`message ${id}: publishing sms.submitted failed: ${describeError(cause)}`);
    try {
      await this.messages.markFailed(id, {
        eventId: derivedEnvelope(eventId, 'bus-unavailable').eventId,
        detail: BUS_UNAVAILABLE_DETAIL,
        source: 'ingress',
        at: this.clock.now(),
      });
    } catch (error) {
      this.logger.error(
        `message ${id}: could not mark it failed after the bus refused it; it stays accepted: ${describeError(error)}`,
      );
    }
  }
}

function toView(message: MessageWithHistory): MessageView {
  return {
    id: message.id,
    to: message.destination,
    from: message.source,
    status: message.status,
    encoding: message.encoding,
    parts: message.parts,
    clientReference: message.clientReference,
    createdAt: message.createdAt.toISOString(),
    updatedAt: message.updatedAt.toISOString(),
    history: message.statusEvents.map((event) => ({
      status: event.status,
      at: event.occurredAt.toISOString(),
      detail: event.detail,
      source: event.source,
    })),
  };
}
