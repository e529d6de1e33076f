import type { Kafka } from 'kafkajs';

/**
 * Gives a new consumer group the offsets another group committed on `topics`, when the new group
 * has none of its own yet: moving topics to a group of their own then neither reads their history
 * again nor skips what the old group had not reached. Returns the partitions it set.
 */
export async function adoptCommittedOffsets(
  kafka: Kafka,
  { from, to, topics }: { from: string; to: string; topics: string[] },
): Promise<number> {
  if (topics.length === 0) return 0;
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.fetchOffsets({ groupId: to, topics });
    const hasOwn = existing.some(({ partitions }) => partitions.some(({ offset }) => Number(offset) >= 0));
    if (hasOwn) return 0;
    let adopted = 0;
    for (const { topic, partitions } of await admin.fetchOffsets({ groupId: from, topics })) {
      const committed = partitions.filter(({ offset }) => Number(offset) >= 0);
      if (committed.length === 0) continue;
      await admin.setOffsets({
        groupId: to,
        topic,
        partitions: committed.map(({ partition, offset }) => ({ partition, offset })),
      });
      adopted += committed.length;
    }
    return adopted;
  } finally {
    await admin.disconnect();
  }
}
