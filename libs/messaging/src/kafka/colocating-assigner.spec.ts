import { assignColocated, type GroupMemberView } from './colocating-assigner';

const sixPartitions = () => [0, 1, 2, 3, 4, 5];

/** Which instance got each partition of each topic. */
function ownersByTopic(
  members: readonly GroupMemberView[],
  assignment: Map<string, Record<string, number[]>>,
): Record<string, string[]> {
  const instanceOf = new Map(members.map((member) => [member.memberId, member.instance]));
  const owners: Record<string, string[]> = {};
  for (const [memberId, byTopic] of assignment) {
    for (const [topic, partitions] of Object.entries(byTopic)) {
      for (const partition of partitions) {
        (owners[topic] ??= [])[partition] = instanceOf.get(memberId) ?? '?';
      }
    }
  }
  return owners;
}

describe(assignColocated.name, () => {
  const lanes = ['s.v1.otp', 's.v1', 's.v1.bulk'];
  const replica = (instance: string): GroupMemberView[] => [
    { memberId: `${instance}-otp`, instance, topics: ['s.v1.otp'] },
    { memberId: `${instance}-tx`, instance, topics: ['s.v1', 'retry'] },
    { memberId: `${instance}-bulk`, instance, topics: ['s.v1.bulk'] },
  ];

  it('gives partition p of every lane to the same replica, and each lane to its own consumer', () => {
    const members = [...replica('b'), ...replica('a')];
    const assignment = assignColocated(members, sixPartitions);
    const owners = ownersByTopic(members, assignment);
    expect(owners['s.v1.otp']).toEqual(['a', 'b', 'a', 'b', 'a', 'b']);
    for (const lane of lanes) expect(owners[lane]).toEqual(owners['s.v1.otp']);
    expect(assignment.get('a-otp')).toEqual({ 's.v1.otp': [0, 2, 4] });
    expect(assignment.get('b-bulk')).toEqual({ 's.v1.bulk': [1, 3, 5] });
  });

  it('assigns every partition exactly once, and only to subscribers of its topic', () => {
    const members = [...replica('a'), ...replica('b'), ...replica('c')];
    const assignment = assignColocated(members, sixPartitions);
    const topicsOf = new Map(members.map((member) => [member.memberId, member.topics]));
    for (const topic of [...lanes, 'retry']) {
      const taken = [...assignment].flatMap(([memberId, byTopic]) => {
        const partitions = byTopic[topic] ?? [];
        if (partitions.length > 0) expect(topicsOf.get(memberId)).toContain(topic);
        return partitions;
      });
      expect(taken.sort()).toEqual(sixPartitions());
    }
  });

  it('leaves a topic nobody subscribed to unassigned, and shares a topic among its subscribers only', () => {
    const members: GroupMemberView[] = [
      { memberId: 'm1', instance: 'a', topics: ['x'] },
      { memberId: 'm2', instance: 'b', topics: ['x', 'y'] },
    ];
    const assignment = assignColocated(members, () => [0, 1, 2, 3]);
    expect(assignment.get('m1')).toEqual({ x: [0, 2] });
    expect(assignment.get('m2')).toEqual({ x: [1, 3], y: [0, 1, 2, 3] });
  });
});
