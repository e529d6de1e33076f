import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { EmailDispatch } from '@switchboard/contracts';
import {
  type ConsumedEvent,
  ConsumerRunner,
  type EventPublisher,
  type HandlerOutcome,
} from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import type { EmailLane } from './email-lanes';
import type { SendEmailUsecase } from './send-email.usecase';

export interface EmailDispatchConsumersSettings {
  lanes: EmailLane[];
  maxAttempts: number;
}

/**
 * One consumer group per priority lane, each with its own concurrency, so a bulk backlog never
 * holds back high-priority mail. Within a lane the runner keeps each recipient's emails in order.
 */
export class EmailDispatchConsumers implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(EmailDispatchConsumers.name);
  private readonly runners: ConsumerRunner[];

  constructor(
    kafka: Kafka,
    publisher: EventPublisher,
    private readonly sendEmail: SendEmailUsecase,
    settings: EmailDispatchConsumersSettings,
  ) {
    this.runners = settings.lanes.map((lane) =>
      new ConsumerRunner(kafka, publisher, {
        groupId: lane.groupId,
        concurrency: lane.concurrency,
        maxAttempts: settings.maxAttempts,
      }).on(lane.topic, (event) => this.send(event)),
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

  private async send(event: ConsumedEvent<EmailDispatch>): Promise<HandlerOutcome> {
    const { tenantId, messageId } = event.payload;
    const result = await this.sendEmail.execute(event.payload);
    switch (result.result) {
      case 'sent':
        return { outcome: 'done' };
      case 'skipped':
        return { outcome: 'skipped', reason: result.reason };
      case 'failed':
        this.logger.warn({ message: 'email rejected for good', tenantId, messageId, reason: result.reason });
        return { outcome: 'skipped', reason: `failed for good: ${result.reason}` };
    }
  }
}
