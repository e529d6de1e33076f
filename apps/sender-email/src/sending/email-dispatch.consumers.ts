import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EmailDispatch } from '@switchboard/contracts';
import {
  type BatchOutcome,
  type ConsumedEvent,
  ConsumerRunner,
  type EventPublisher,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { EmailLane } from './email-lanes';
import type { SendEmailBatchUsecase } from './send-email-batch.usecase';

export interface EmailDispatchConsumersSettings {
  lanes: EmailLane[];
  maxAttempts: number;
}

/**
 * One consumer group per priority lane, each with its own concurrency, so a bulk backlog never
 * holds back high-priority mail. Each fetched batch is sent as a whole (one claim, one update per
 * `concurrency` emails, one publish); a dispatch that failed transiently is retried on its own by
 * the runner, then dead-lettered.
 */
export class EmailDispatchConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailDispatchConsumers.name);
  private readonly runners: ConsumerRunner[];

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    private readonly sendEmails: SendEmailBatchUsecase,
    settings: EmailDispatchConsumersSettings,
  ) {
    this.runners = settings.lanes.map((lane) =>
      new ConsumerRunner(kafka, publisher, {
        groupId: lane.groupId,
        maxAttempts: settings.maxAttempts,
      }).onBatch(lane.topic, (events) => this.send(events, lane.concurrency)),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.start()));
  }

  // Before the publisher closes (in the messaging module's shutdown), so in-flight sends can report.
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all(this.runners.map((runner) => runner.stop()));
  }

  isHealthy(): boolean {
    return this.runners.every((runner) => runner.isHealthy());
  }

  private async send(
    events: ConsumedEvent<EmailDispatch>[],
    concurrency: number,
  ): Promise<BatchOutcome<EmailDispatch>> {
    const results = await this.sendEmails.execute(
      events.map((event) => event.payload),
      concurrency,
    );
    const failed: BatchOutcome<EmailDispatch>['failed'] = [];
    results.forEach((result, index) => {
      const event = events[index];
      if (result.result === 'retry') failed.push({ event, error: result.error });
      if (result.result === 'failed') {
        const { tenantId, messageId } = event.payload;
        this.logger.warn({ message: 'email rejected for good', tenantId, messageId, reason: result.reason });
      }
    });
    return { failed };
  }
}
