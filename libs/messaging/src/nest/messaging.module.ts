import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { checkCodecs } from '@switchboard/kafka-codecs';
import type { Kafka } from 'kafkajs';
import { EventPublisher } from '../event-publisher';
import { createKafka } from '../kafka';
import { provisionTopics } from '../provision-topics';
import { ConsumerMetricsController } from './consumer-metrics.controller';
import { MessagingHealthIndicator } from './messaging-health.indicator';
import type { PayloadCipher } from '../payload-cipher';
import { KAFKA, MESSAGING_OPTIONS, PAYLOAD_CIPHER, type MessagingModuleOptions } from './tokens';

// Global modules start first and shut down last, so the publisher is connected before any
// consumer starts and closes only after every module's shutdown hooks have stopped theirs.
@Injectable()
class MessagingLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions,
    private readonly publisher: EventPublisher,
  ) {}

  async onModuleInit(): Promise<void> {
    // A codec that did not load (a native or wasm part missing) fails the start, not every batch later.
    await checkCodecs(this.options.kafka.codecs);
    if (this.options.topics) await provisionTopics(this.kafka, this.options.topics);
    await this.publisher.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.publisher.disconnect();
  }
}

/**
 * Kafka for a Nest app: the client (KAFKA), a connected EventPublisher and a broker health check.
 * The publisher and every consumer seal and open personal fields with the app's PAYLOAD_CIPHER.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingModuleOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      controllers: [ConsumerMetricsController],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: KAFKA, useFactory: () => createKafka(options.kafka) },
        {
          provide: EventPublisher,
          useFactory: (kafka: Kafka, cipher: PayloadCipher | undefined) =>
            new EventPublisher(kafka, { compression: options.kafka.compression, cipher }),
          inject: [KAFKA, { token: PAYLOAD_CIPHER, optional: true }],
        },
        MessagingLifecycle,
        MessagingHealthIndicator,
      ],
      exports: [KAFKA, MESSAGING_OPTIONS, EventPublisher, MessagingHealthIndicator],
    };
  }
}
