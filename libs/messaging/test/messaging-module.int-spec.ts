import { Inject, Injectable, type LoggerService } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import { DEAD_LETTER_TOPIC, DeliveryEventTopic } from '@switchboard/contracts';
import { EventPublisher, KAFKA, MessagingHealthIndicator, MessagingModule } from '../src';
import { createTestBroker, type TestBroker } from '@switchboard/testing';
import type { Kafka } from 'kafkajs';
import { deliveryEvent } from './support/messaging-harness';

const topic = DeliveryEventTopic.topic;
const silentLogger: LoggerService = { log: () => undefined, warn: () => undefined, error: () => undefined };

@Injectable()
class DeliveryRecorder {
  constructor(
    readonly publisher: EventPublisher,
    @Inject(KAFKA) readonly kafka: Kafka,
  ) {}
}

describe('MessagingModule', () => {
  let broker: TestBroker;
  let app: TestingModule;

  beforeEach(async () => {
    broker = await createTestBroker({ autoCreateTopics: false });
    app = await Test.createTestingModule({
      imports: [
        MessagingModule.forRoot({
          kafka: { brokers: broker.brokers, clientId: 'module-test' },
          topics: [{ topic, partitions: 2 }],
        }),
      ],
      providers: [DeliveryRecorder],
    })
      .setLogger(silentLogger)
      .compile();
    await app.init();
  });
  afterEach(async () => {
    await app.close();
    await broker.stop();
  });

  it('provisions its topics and the dead-letter topic, and connects the publisher on start', async () => {
    const recorder = app.get(DeliveryRecorder);
    expect(recorder.publisher.isConnected()).toBe(true);
    await recorder.publisher.publish(topic, deliveryEvent());

    const admin = recorder.kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic, DEAD_LETTER_TOPIC] });
      expect(metadata.topics.map(({ name, partitions }) => [name, partitions.length]).sort()).toEqual(
        [
          [topic, 2],
          [DEAD_LETTER_TOPIC, 1],
        ].sort(),
      );
      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.reduce((sum, { high }) => sum + Number(high), 0)).toBe(1);
    } finally {
      await admin.disconnect();
    }
  });

  it('reports the broker up while it answers and down once it is gone', async () => {
    const health = app.get(MessagingHealthIndicator);
    expect(await health.isHealthy()).toEqual({ kafka: { status: 'up', brokers: 1 } });
    expect(await health.isReady()).toBe(true);

    await broker.stop();
    const result = await health.isHealthy('broker');
    expect(result.broker.status).toBe('down');
    expect(await health.isReady()).toBe(false);
  });

  it('disconnects the publisher when the application shuts down', async () => {
    const publisher = app.get(EventPublisher);
    await app.close();
    expect(publisher.isConnected()).toBe(false);
    await expect(publisher.publish(topic, deliveryEvent())).rejects.toThrow('the publisher is disconnected');
  });
});
