import { EventPattern } from '@nestjs/microservices';
import type { EventOf, TopicDefinition } from '@tuxhat/contracts';

import type { HandlerExtras } from './dispatch/event-dispatcher';

type Handler<Data> = (data: Data, ...rest: never[]) => unknown;

/**
 * Handles one event of `topic` at a time (per-key order kept, keys in parallel). The handler's
 * payload type is the topic's event type: a handler for the wrong payload does not compile.
 */
export function OnEvent<T extends TopicDefinition>(topic: T) {
  return <M extends Handler<EventOf<T>>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const extras: HandlerExtras = {};
    EventPattern<string>(topic.name, extras)(target, key, descriptor);
  };
}

/**
 * Handles the events of `topic` a batch at a time (one database round trip for many events).
 * Return a BatchOutcome to send some of them through the retry schedule.
 */
export function OnEventBatch<T extends TopicDefinition>(topic: T) {
  return <M extends Handler<EventOf<T>[]>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<M>,
  ): void => {
    const extras: HandlerExtras = { batch: true };
    EventPattern<string>(topic.name, extras)(target, key, descriptor);
  };
}
