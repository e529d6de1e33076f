import { Logger } from '@nestjs/common';
import {
  MAX_CONFIRMED_MESSAGES,
  RecipientErasureConfirmedTopic,
  RecipientErasureTopic,
  type ErasingService,
  type RecipientErasureRequested,
} from '@switchboard/contracts';
import type { Kafka } from 'kafkajs';
import { ConsumerRunner } from '../consumer/consumer-runner';
import type { EventPublisher } from '../event-publisher';
import { ConsumerHost } from '../nest/consumer-host';
import { provisionTopics } from '../provision-topics';

// Erasures are rare; a few partitions spread a mass erasure over the replicas.
export const ERASURE_TOPIC_PARTITIONS = 4;

/** The erasure topics, for whichever service starts first to create (publisher or consumer). */
export const ERASURE_TOPICS = [
  { topic: RecipientErasureTopic.topic, partitions: ERASURE_TOPIC_PARTITIONS },
  { topic: RecipientErasureConfirmedTopic.topic, partitions: ERASURE_TOPIC_PARTITIONS },
];

/** Rows deleted or scrubbed, by table: counts only, never what they held. */
export type ErasedRows = Record<string, number>;

/** Lets an eraser confirm the messages it erased before its own work is complete. */
export interface ErasureProgress {
  confirmMessages(messageIds: readonly string[]): Promise<void>;
}

/**
 * What one service does to forget a person. Each step must be idempotent: an erasure is
 * redelivered after a crash and is then run again from the start.
 */
export interface RecipientEraser {
  /** Deletes the person's rows, or nulls their personal fields; resolves once that is durable. */
  eraseRows(request: RecipientErasureRequested, progress: ErasureProgress): Promise<ErasedRows>;
  /**
   * Crypto-shredding: destroys the person's data key in this service's key store, so every
   * encrypted copy (retained Kafka records, backups, rows another replica still caches) is
   * unreadable from then on. Runs right after eraseRows, which may need to read the person's
   * addresses one last time (the router keeps their suppressions as blind indexes).
   * 'no-key-store' while this service keeps its personal data unencrypted.
   */
  destroyRecipientKey(request: RecipientErasureRequested): Promise<'destroyed' | 'no-key-store'>;
}

export interface RecipientErasureConsumerOptions {
  service: ErasingService;
  maxAttempts: number;
}

/**
 * The erasure requests of one service, in a group of its own: runs the service's eraser, then
 * confirms on the confirmations topic. The offset is committed only after both, so an erasure
 * whose confirmation was not published is done again (harmlessly) rather than lost.
 */
export class RecipientErasureConsumer extends ConsumerHost {
  private readonly logger = new Logger(RecipientErasureConsumer.name);

  constructor(
    private readonly kafka: Kafka,
    private readonly publisher: EventPublisher,
    private readonly eraser: RecipientEraser,
    private readonly options: RecipientErasureConsumerOptions,
  ) {
    super();
    this.host(
      new ConsumerRunner(kafka, publisher, {
        groupId: `${options.service}-recipient-erasure`,
        maxAttempts: options.maxAttempts,
      }).on(RecipientErasureTopic.topic, async (event) => {
        await this.erase(event.payload);
        return { outcome: 'done' };
      }),
    );
  }

  // Whichever service starts first makes the topics, so none waits for the gateway.
  protected override async beforeStart(): Promise<void> {
    await provisionTopics(this.kafka, ERASURE_TOPICS);
  }

  async erase(request: RecipientErasureRequested): Promise<ErasedRows> {
    const rows = await this.eraser.eraseRows(request, {
      confirmMessages: (messageIds) => this.confirm(request, messageIds, {}, false),
    });
    const key = await this.eraser.destroyRecipientKey(request);
    await this.confirm(request, [], rows, true);
    // The tenant and erasure id only: the recipient id is the tenant's name for a person.
    this.logger.log({
      message: 'recipient erased',
      tenantId: request.tenantId,
      erasureId: request.erasureId,
      recipientKey: key,
      rows,
    });
    return rows;
  }

  private async confirm(
    request: RecipientErasureRequested,
    messageIds: readonly string[],
    rows: ErasedRows,
    complete: boolean,
  ): Promise<void> {
    const chunks: string[][] = [];
    for (let start = 0; start < messageIds.length; start += MAX_CONFIRMED_MESSAGES) {
      chunks.push(messageIds.slice(start, start + MAX_CONFIRMED_MESSAGES));
    }
    if (complete || chunks.length === 0) chunks.push([]);
    await this.publisher.publishMany(
      RecipientErasureConfirmedTopic.topic,
      chunks.map((chunk, index) => ({
        erasureId: request.erasureId,
        tenantId: request.tenantId,
        service: this.options.service,
        confirmedAt: new Date().toISOString(),
        messageIds: chunk,
        complete: complete && index === chunks.length - 1,
        rows: complete && index === chunks.length - 1 ? rows : {},
      })),
    );
  }
}
