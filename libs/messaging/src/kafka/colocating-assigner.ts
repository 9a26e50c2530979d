import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';

/** One consumer in the group, as the assigner sees it. */
export interface GroupMemberView {
  readonly memberId: string;
  /** The transport instance the consumer belongs to (one per service replica). */
  readonly instance: string;
  /** The topics this consumer subscribed to (its lane's topics). */
  readonly topics: readonly string[];
}

/**
 * Partition assignment for lanes. A transport consumes each lane with its own consumer (so a
 * bulk backlog never blocks the fetches of the OTP lane), yet a key should stay with one
 * service replica across lanes: policy's per-tenant state is exact under a per-tenant lock
 * whoever holds it, but one owner means no lock contention between replicas and per-tenant
 * work in one place. So partition p of every topic goes to the same instance (instances sorted, p modulo their
 * count), and within that instance to the consumer subscribed to the topic. Laned topics
 * have equal partition counts, so a key maps to the same p in every lane.
 */
export function assignColocated(
  members: readonly GroupMemberView[],
  partitionsOf: (topic: string) => readonly number[],
): Map<string, Record<string, number[]>> {
  const instances = [...new Set(members.map((member) => member.instance))].sort();
  const assignment = new Map<string, Record<string, number[]>>();
  const topics = [...new Set(members.flatMap((member) => member.topics))].sort();
  for (const topic of topics) {
    const subscriberOf = new Map<string, string>();
    for (const member of [...members].sort((a, b) => a.memberId.localeCompare(b.memberId))) {
      if (member.topics.includes(topic) && !subscriberOf.has(member.instance)) {
        subscriberOf.set(member.instance, member.memberId);
      }
    }
    // Only instances with a consumer for this topic take its partitions.
    const owners = instances.filter((instance) => subscriberOf.has(instance));
    if (owners.length === 0) continue;
    for (const partition of partitionsOf(topic)) {
      const memberId = subscriberOf.get(owners[partition % owners.length] ?? '');
      if (memberId === undefined) continue;
      const byTopic = assignment.get(memberId) ?? {};
      (byTopic[topic] ??= []).push(partition);
      assignment.set(memberId, byTopic);
    }
  }
  return assignment;
}

export const COLOCATING_ASSIGNER_NAME = 'TuxhatColocatingAssigner';

/** kafkajs glue for assignColocated; `instance` travels in each member's user data. */
export function colocatingAssigner(instance: string): PartitionAssigner {
  return ({ cluster }) => ({
    name: COLOCATING_ASSIGNER_NAME,
    version: 1,
    protocol({ topics }) {
      return {
        name: COLOCATING_ASSIGNER_NAME,
        metadata: AssignerProtocol.MemberMetadata.encode({
          version: 1,
          topics,
          userData: Buffer.from(instance, 'utf8'),
        }),
      };
    },
    async assign({ members }) {
      const views: GroupMemberView[] = members.map(({ memberId, memberMetadata }) => {
        const metadata = AssignerProtocol.MemberMetadata.decode(memberMetadata);
        const tag = metadata?.userData.toString('utf8') ?? '';
        return {
          memberId,
          // A member without an instance tag is its own instance.
          instance: tag.length > 0 ? tag : memberId,
          topics: metadata?.topics ?? [],
        };
      });
      // kafkajs assumes every member reads the same topics, so the leader only has metadata
      // for its own lane's topics: load the other lanes' before assigning their partitions.
      await cluster.addMultipleTargetTopics([...new Set(views.flatMap((view) => view.topics))]);
      const assignment = assignColocated(views, (topic) =>
        cluster.findTopicPartitionMetadata(topic).map((partition) => partition.partitionId),
      );
      return views.map(({ memberId }) => ({
        memberId,
        memberAssignment: AssignerProtocol.MemberAssignment.encode({
          version: 1,
          assignment: assignment.get(memberId) ?? {},
          userData: Buffer.alloc(0),
        }),
      }));
    },
  });
}
