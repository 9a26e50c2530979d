import { z } from 'zod';

import { type Lane, laneTopicName } from './lanes';

/**
 * A topic ties a Kafka topic name to the one payload type it carries, how records are keyed
 * (which decides partitioning and so ordering and ownership), and the schema every consumer
 * validates against. Producers and consumers only ever see topics through these definitions,
 * so a wrong payload does not compile and a malformed record never reaches a handler.
 *
 * These values are wire contracts: renaming a topic or changing a schema incompatibly means a
 * new version (`.v2`), never an edit in place.
 */
export interface TopicDefinition<Schema extends z.ZodType = z.ZodType> {
  /** Logical name, also the Kafka topic name unless `physicalName` splits it per key. */
  readonly name: string;
  readonly schema: Schema;
  /** The record key: decides the partition. */
  readonly keyOf: (event: z.infer<Schema>) => string;
  /**
   * For topic families (one Kafka topic per carrier): the physical topic a given event goes
   * to. Defaults to `name`.
   */
  readonly physicalName?: (event: z.infer<Schema>) => string;
  /**
   * For laned topics (see lanes.ts): the class of service an event travels in. Each lane is
   * its own physical topic with the same partition count, so a key lands on the same
   * partition number in every lane.
   */
  readonly laneOf?: (event: z.infer<Schema>) => Lane;
  /** Partitions the project creates the topic with. */
  readonly partitions: number;
  /** Kafka topic configuration the project creates it with, e.g. a short retention.ms. */
  readonly config?: Readonly<Record<string, string>>;
}

export type EventOf<T extends TopicDefinition> = z.infer<T['schema']>;

export function defineTopic<Schema extends z.ZodType>(
  definition: TopicDefinition<Schema>,
): TopicDefinition<Schema> {
  return definition;
}

export function physicalTopicOf<T extends TopicDefinition>(topic: T, event: EventOf<T>): string {
  const base = topic.physicalName ? topic.physicalName(event) : topic.name;
  return topic.laneOf ? laneTopicName(base, topic.laneOf(event)) : base;
}
