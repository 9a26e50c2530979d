import type { MessageHandler } from '@nestjs/microservices';
import { physicalTopicsOf, topicByName } from '@tuxhat/contracts';

/**
 * The topics a transport should consume: its @EventPattern handlers whose pattern names a
 * contract topic. Other handlers in the same app (e.g. @GrpcMethod on the gRPC server) are
 * registered with every transport by Nest and must be ignored here.
 */
export function eventTopicPatterns(handlers: ReadonlyMap<string, MessageHandler>): string[] {
  return [...handlers]
    .filter(([pattern, handler]) => handler.isEventHandler && topicByName(pattern) !== undefined)
    .map(([pattern]) => pattern);
}

/** The physical topics behind a handler's pattern when the service does not say: all its lanes. */
export function defaultTopicsFor(pattern: string): readonly string[] {
  const topic = topicByName(pattern);
  return topic ? physicalTopicsOf(topic) : [pattern];
}
