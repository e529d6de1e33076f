import { Controller, type DynamicModule, Get, Inject, Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic } from '@switchboard/contracts';
import type { SqlQuery } from '@switchboard/delivery';
import { EncryptionModule, type EncryptionConfig } from '@switchboard/encryption';
import {
  consumerReadiness,
  EventPublisher,
  hostedConsumerLifecycle,
  KAFKA,
  kafkaSettingsFromConfig,
  MessagingHealthIndicator,
  MessagingModule,
  type KafkaConnectionConfig,
} from '@switchboard/messaging';
import { DatabaseHealthIndicator, PersistenceModule, type DatabaseOptions } from '@switchboard/persistence';
import {
  HealthModule,
  PublicRoute,
  ServiceAccessModule,
  type ReadinessCheck,
} from '@switchboard/service-kit';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import type { ChannelSender, ChannelSenderStatus } from '../channel-sender';
import type { ChannelTopics } from '../channel-sender-groups';
import type { Dispatch } from '../dispatch-batch';

/** The app's ChannelSender, injectable by this token. */
export const CHANNEL_SENDER = Symbol('CHANNEL_SENDER');

/** What the Nest wiring uses of a sender, whatever its dispatch type. */
type AnySender = Pick<ChannelSender<Dispatch>, 'start' | 'stop' | 'isHealthy' | 'status'>;

/** Ready while every lane and retry consumer is in its group; for HealthModule.register. */
export const ChannelSenderReadiness = consumerReadiness('consumer', CHANNEL_SENDER);

/** GET /status/providers: each provider's circuit, rate limit and counters. */
@PublicRoute(
  "an SRE's view of the providers (names, circuits, rate limits, platform-wide counters); no tenant or personal data",
)
@Controller('status')
export class ProviderStatusController {
  constructor(@Inject(CHANNEL_SENDER) private readonly sender: AnySender) {}

  @Get('providers')
  providers(): ChannelSenderStatus {
    return this.sender.status();
  }
}

// As many as the other pipeline topics; only used when a sender is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** What the wiring of a sender service reads of its config; every sender's config has it all. */
export type ChannelSenderServiceConfig = KafkaConnectionConfig &
  EncryptionConfig & { DATABASE_URL: string; DATABASE_POOL_SIZE: number };

/** What one sender service declares: everything else is the same for every channel. */
export interface ChannelSenderServiceOptions {
  /** The Kafka client id, and the audience of service credentials (only public routes are served). */
  service: string;
  config: ChannelSenderServiceConfig;
  /** The service's schema and the migrations of its tables. */
  database: Pick<DatabaseOptions, 'schema' | 'migrations'>;
  /** Created on start when missing, with the delivery events and `otherTopics`. */
  channelTopics: ChannelTopics;
  otherTopics?: Array<{ topic: string }>;
  createSender(kafka: Kafka, publisher: EventPublisher, query: SqlQuery): AnySender;
  /** The service's own modules (e.g. a receipts consumer), after the sender's. */
  imports?: NonNullable<DynamicModule['imports']>;
  /** Their readiness checks, after the broker's, the database's and the sender's. */
  readiness?: Array<Type<ReadinessCheck>>;
}

@Module({})
class ChannelSenderServiceModule {}

export interface ChannelSenderModuleOptions {
  /** Builds the sender from the injected dependencies. */
  useFactory(...dependencies: never[]): AnySender | Promise<AnySender>;
  inject?: Array<string | symbol | (abstract new (...args: never[]) => unknown)>;
}

/**
 * Provides CHANNEL_SENDER, runs it with the app and serves its status. Global, so that the health
 * module can see it for ChannelSenderReadiness.
 */
@Module({})
export class ChannelSenderModule {
  static register(options: ChannelSenderModuleOptions): DynamicModule {
    return {
      module: ChannelSenderModule,
      global: true,
      controllers: [ProviderStatusController],
      providers: [
        { provide: CHANNEL_SENDER, useFactory: options.useFactory, inject: options.inject ?? [] },
        // Starts consuming once the app is up; stops before the publisher closes, so in-flight sends report.
        hostedConsumerLifecycle(CHANNEL_SENDER),
      ],
      exports: [CHANNEL_SENDER],
    };
  }

  /**
   * A sender service's root imports: its database and migrations, encryption (the payload cipher of
   * the publisher and consumers), Kafka with its topics, the channel sender, service access (public
   * routes only) and health.
   */
  static forService(options: ChannelSenderServiceOptions): DynamicModule {
    const { config, channelTopics } = options;
    const topics = [
      ...Object.values(channelTopics.lanes),
      ...Object.values(channelTopics.retries),
      DeliveryEventTopic,
      ...(options.otherTopics ?? []),
    ].map(({ topic }) => ({ topic, partitions: PIPELINE_TOPIC_PARTITIONS }));
    return {
      module: ChannelSenderServiceModule,
      imports: [
        PersistenceModule.forRoot({
          url: config.DATABASE_URL,
          entities: [],
          ...options.database,
          poolSize: config.DATABASE_POOL_SIZE,
        }),
        EncryptionModule.forRoot(config),
        MessagingModule.forRoot({ kafka: kafkaSettingsFromConfig(config, options.service), topics }),
        ChannelSenderModule.register({
          useFactory: (kafka: Kafka, publisher: EventPublisher, dataSource: DataSource) =>
            options.createSender(kafka, publisher, (sql, parameters) => dataSource.query(sql, parameters)),
          inject: [KAFKA, EventPublisher, DataSource],
        }),
        ...(options.imports ?? []),
        ServiceAccessModule.forRoot({ audience: options.service }),
        HealthModule.register([
          MessagingHealthIndicator,
          DatabaseHealthIndicator,
          ChannelSenderReadiness,
          ...(options.readiness ?? []),
        ]),
      ],
    };
  }
}
