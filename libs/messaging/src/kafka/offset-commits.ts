/** The next offset the group reads from a partition, as Kafka's OffsetCommit takes it. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/**
 * One commit per partition, the highest asked for: commits of several batches of a partition
 * that joined one request would otherwise send the partition twice, and a lower offset listed
 * after a higher one would move the group back.
 */
export function highestPerPartition(commits: readonly PartitionOffset[]): PartitionOffset[] {
  const highest = new Map<string, PartitionOffset>();
  for (const commit of commits) {
    const key = `${commit.topic}\u0000${commit.partition}`;
    const current = highest.get(key);
    if (!current || BigInt(commit.offset) > BigInt(current.offset)) highest.set(key, commit);
  }
  return [...highest.values()];
}
