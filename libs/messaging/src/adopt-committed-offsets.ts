import type { Kafka } from 'kafkajs';

/** Topics whose committed offsets a group takes over from the group that read them before. */
export interface OffsetSource {
  from: string;
  topics: string[];
}

/**
 * Gives a new consumer group the offsets other groups committed on their topics, for each source
 * on whose topics the new group has none of its own yet: moving topics to another group then
 * neither reads their history again nor skips what the old group had not reached. Several
 * sources can be merged into one group (one admin connection for all). Returns the partitions it set.
 */
export async function adoptCommittedOffsets(
  kafka: Kafka,
  adoption: { to: string } & (OffsetSource | { sources: OffsetSource[] }),
): Promise<number> {
  const { to } = adoption;
  const sources = ('sources' in adoption ? adoption.sources : [adoption]).filter(
    ({ topics }) => topics.length > 0,
  );
  if (sources.length === 0) return 0;
  const admin = kafka.admin();
  await admin.connect();
  try {
    let adopted = 0;
    for (const { from, topics } of sources) {
      const existing = await admin.fetchOffsets({ groupId: to, topics });
      const hasOwn = existing.some(({ partitions }) => partitions.some(({ offset }) => Number(offset) >= 0));
      if (hasOwn) continue;
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
    }
    return adopted;
  } finally {
    await admin.disconnect();
  }
}
