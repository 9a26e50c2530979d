import { requiredTestEnv, waitFor } from '@tuxhat/testing';
import { Kafka, logLevel } from 'kafkajs';

import { FEED_IDLE_PAUSE_MS, StatusStreamFeed } from '../src/status-stream.feed';
import {
  GrpcMessagesClient,
  IngressHarness,
  type Json,
  type StatusStream,
  statusEvent,
} from './support/ingress-harness';

const VALID = { to: '+38267123456', from: 'TuxHat', text: 'Your code is 123456' };

/**
 * Cluster mode: two ingress replicas share sms.status's partitions for projecting, yet a
 * tenant's status stream on either replica carries every event of the tenant, once. A replica
 * reads the whole topic for its streams only while one is open.
 */
describe('status streams with two ingress replicas on Kafka', () => {
  let sut: IngressHarness;
  const clients: GrpcMessagesClient[] = [];

  beforeAll(async () => {
    sut = await IngressHarness.onKafka('ingress_streams_kafka');
    const alone = await stableMembers(sut.projectorGroup, 1);
    const replica = await sut.startReplica();
    // Both replicas project: each has a share of the partitions.
    await stableMembers(sut.projectorGroup, alone + 1);
    clients.push(
      new GrpcMessagesClient(sut.ingress.grpcUrl, sut.acme.key.key),
      new GrpcMessagesClient(replica.grpcUrl, sut.acme.key.key),
      new GrpcMessagesClient(replica.grpcUrl, sut.other.key.key),
    );
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.close();
    await sut?.close();
  });

  it('streams every event of the tenant on each replica, though each projects a share', async () => {
    const [first, second, otherTenant] = await Promise.all(
      clients.map((client) => client.streamStatus()),
    );
    const streams = [first, second];
    // No warm-up: each replica's feed, paused until now, reads from its first stream's opening.

    // Keyed by message id: 24 messages fall on every partition of sms.status.
    const ids = await submitted(24);
    const events = ids.flatMap((id) => [
      statusEvent(id, 'routed', { carrierId: 'sim' }),
      statusEvent(id, 'sent', { carrierId: 'sim' }),
    ]);
    await sut.publishStatusOnKafka(events);
    const expected = events.map((event) => event.eventId).sort();
    for (const [index, stream] of streams.entries()) {
      await waitFor(
        `replica ${index + 1}'s stream has all ${events.length} events`,
        () => eventIdsOf(stream, ids).length >= events.length || undefined,
        { timeoutMs: 30_000 },
      );
      expect(eventIdsOf(stream, ids).sort()).toEqual(expected);
    }

    // Each replica projected its share, and together all of it, into the history.
    await waitFor('every message sent', async () => {
      const statuses = await Promise.all(ids.map((id) => sut.getMessage(id)));
      return statuses.every((answer) => answer.body.status === 'sent') || undefined;
    });

    // A redelivered event is not streamed twice; the other tenant's stream got none of it.
    await sut.publishStatusOnKafka([events[0], statusEvent(ids[0], 'delivered')]);
    for (const [index, stream] of streams.entries()) {
      await waitFor(
        `replica ${index + 1}'s stream has the delivery`,
        () => stream.events.some((event) => event.status === 'delivered') || undefined,
      );
      expect(eventIdsOf(stream, ids)).toHaveLength(events.length + 1);
    }
    expect(otherTenant.events).toEqual([]);
  }, 90_000);

  it('reads the status topic only while a stream is open, and the first stream misses nothing', async () => {
    const replica = await sut.startReplica();
    const feed = replica.app.get(StatusStreamFeed);
    await waitFor('the feed paused, nobody streaming', () => !feed.isReading || undefined);

    const client = new GrpcMessagesClient(replica.grpcUrl, sut.acme.key.key);
    clients.push(client);
    const stream = await client.streamStatus();
    // No warm-up: the paused feed resumes from the stream's opening, wherever it had stopped.
    const [id] = await submitted(1);
    const event = statusEvent(id, 'routed', { carrierId: 'sim' });
    await sut.publishStatusOnKafka([event]);
    await waitFor('the event streamed', () => eventIdsOf(stream, [id]).length > 0 || undefined, {
      timeoutMs: 30_000,
    });
    expect(eventIdsOf(stream, [id])).toEqual([event.eventId]);
    expect(feed.isReading).toBe(true);

    stream.call.cancel();
    await stream.ended;
    await waitFor(
      'the feed paused after the last stream closed',
      () => !feed.isReading || undefined,
      {
        timeoutMs: FEED_IDLE_PAUSE_MS + 10_000,
      },
    );
  }, 90_000);

  /** Ids of messages acme submitted through the first replica. */
  async function submitted(count: number): Promise<string[]> {
    const answer = await sut.submitBatch(Array.from({ length: count }, () => VALID));
    expect(answer.status).toBe(202);
    return (answer.body.results as Json[]).map((result) => String(result.id));
  }
});

/** The ids of the streamed events of these messages, in the order they came. */
function eventIdsOf(stream: StatusStream, messageIds: readonly string[]): string[] {
  return stream.events
    .filter((event) => messageIds.includes(String(event.messageId)))
    .map((event) => String(event.eventId));
}

/** Waits until the consumer group is stable with at least `count` members; their number. */
async function stableMembers(group: string, count: number): Promise<number> {
  const kafka = new Kafka({
    clientId: 'ingress-streams-test',
    brokers: requiredTestEnv('KAFKA_BROKERS').split(','),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    return await waitFor(
      `${group} stable with ${count} member(s)`,
      async () => {
        const [described] = (await admin.describeGroups([group])).groups;
        const members = described.members.length;
        return described.state === 'Stable' && members >= count ? members : undefined;
      },
      { timeoutMs: 45_000 },
    );
  } finally {
    await admin.disconnect();
  }
}
