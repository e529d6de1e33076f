import type { PriorityName, TopicName, TopicPayloads } from '@switchboard/contracts';
import type { Kafka } from 'kafkajs';
import type { EventPublisher } from '../event-publisher';
import { MessagingError } from '../messaging-error';
import type { BatchOutcome, ConsumedEvent } from './consumed-event';
import type { ConsumerRunnerOptions } from './consumer-options';
import { ConsumerRunner } from './consumer-runner';

/** The three lane topics of one hop, e.g. MessageAcceptedTopics, all carrying one payload. */
export type PriorityLaneTopics<Topic extends TopicName> = Record<PriorityName, { topic: Topic }>;

export type PriorityLaneHandler<Topic extends TopicName> = (
  events: ConsumedEvent<TopicPayloads[Topic]>[],
  lane: PriorityName,
) => Promise<BatchOutcome<TopicPayloads[Topic]> | void>;

/**
 * A few hundred requests or render requests per batch: big enough for the bulk writes of each hop,
 * small enough that a service is through with the batches under way within a fraction of a second.
 */
export const LOWER_LANE_MAX_BYTES_PER_PARTITION = 128 * 1024;

/** The group of a hop's high lane, beside the hop's own group (which reads normal and bulk). */
export function highPriorityGroupId(groupId: string): string {
  return `${groupId}.high`;
}

/**
 * Consumes a hop's priority lanes in whole batches with two consumer groups. The high lane has a
 * group of its own, so it is fetched and handled while a bulk batch is still being worked on: a
 * consumer fetches again only once every batch of its last fetch is done. Normal and bulk share
 * the hop's existing group, which keeps its committed offsets on the normal topic (the topic's
 * name from before lanes), so an upgrade strands nothing. A third group would keep normal from
 * sharing fetches with bulk, at the idle cost of one more group per hop; normal still gets its
 * own batch in every fetch beside bulk, so it is slowed by a bulk backlog but never stuck behind it.
 * While a high-priority batch is being handled, normal and bulk are paused (batches under way go
 * on): a saturated service gives its CPU, database connections and produce requests to high first.
 * Their batches are kept short (LOWER_LANE_MAX_BYTES_PER_PARTITION, unless the options say
 * otherwise), so what is under way when a high-priority message arrives is soon done.
 */
export class PriorityLaneConsumer<Topic extends TopicName> {
  private readonly runners: ConsumerRunner[];
  private readonly laneOfTopic: Map<string, PriorityName>;
  private readonly normalAndBulk: ConsumerRunner;
  private readonly lowerLaneTopics: string[];
  private highBatchesInFlight = 0;

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    options: ConsumerRunnerOptions & {
      /** Overrides for the high lane's group, e.g. its own partitionsConsumedConcurrently. */
      highPriority?: Omit<ConsumerRunnerOptions, 'groupId'>;
    },
    lanes: PriorityLaneTopics<Topic>,
    handler: PriorityLaneHandler<Topic>,
  ) {
    const { highPriority, ...shared } = options;
    this.laneOfTopic = new Map(
      (Object.keys(lanes) as PriorityName[]).map((lane) => [String(lanes[lane].topic), lane]),
    );
    const handle = (events: ConsumedEvent<TopicPayloads[Topic]>[]) =>
      handler(events, this.laneOfTopic.get(events[0]?.topic ?? '') ?? 'normal');
    const high = new ConsumerRunner(kafka, publisher, {
      ...shared,
      ...highPriority,
      groupId: highPriorityGroupId(shared.groupId),
    }).onBatch(lanes.high.topic, (events) => this.handleHigh(() => handle(events)));
    this.normalAndBulk = new ConsumerRunner(kafka, publisher, {
      maxBytesPerPartition: LOWER_LANE_MAX_BYTES_PER_PARTITION,
      ...shared,
    })
      .onBatch(lanes.normal.topic, handle)
      .onBatch(lanes.bulk.topic, handle);
    this.lowerLaneTopics = [String(lanes.normal.topic), String(lanes.bulk.topic)];
    this.runners = [high, this.normalAndBulk];
  }

  /** Resolves once both groups have joined. */
  async start(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  private async handleHigh<T>(work: () => Promise<T>): Promise<T> {
    this.highBatchesInFlight += 1;
    if (this.highBatchesInFlight === 1) this.holdLowerLanes(true);
    try {
      return await work();
    } finally {
      this.highBatchesInFlight -= 1;
      if (this.highBatchesInFlight === 0) this.holdLowerLanes(false);
    }
  }

  private holdLowerLanes(hold: boolean): void {
    for (const topic of this.lowerLaneTopics) {
      try {
        if (hold) this.normalAndBulk.pause(topic);
        else this.normalAndBulk.resume(topic);
      } catch (error) {
        // Starting or stopping: the runner has noted the hold (or its end) and applies it when it runs.
        if (!(error instanceof MessagingError && error.code === 'NOT_RUNNING')) throw error;
      }
    }
  }

  /** Both groups consuming; a crashed one is being restarted and counts as unhealthy meanwhile. */
  isHealthy(): boolean {
    return this.runners.every((runner) => runner.isHealthy());
  }
}
