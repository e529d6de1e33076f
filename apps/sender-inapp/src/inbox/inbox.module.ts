import {
  type BeforeApplicationShutdown,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { type DeliveryEvent, DeliveryEventTopic } from '@switchboard/contracts';
import { ENCRYPTION, type Encryption } from '@switchboard/encryption';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import type { Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { SENDER_INAPP_CONFIG, type SenderInappConfig } from '../config';
import { InboxController } from '../http/inbox.controller';
import { RecipientTokenGuard } from '../http/recipient-token.guard';
import { InboxLiveFeed } from '../stream/inbox-live-feed';
import { InboxStreams } from '../stream/inbox-streams';
import { PostgresInboxAnnouncements } from '../stream/postgres-inbox-announcements';
import { CountUnreadUsecase } from './count-unread.usecase';
import { EncryptPlaintextInboxItems } from './encrypt-plaintext-inbox-items';
import { InappDispatchConsumers } from './inapp-dispatch.consumers';
import { inappLanes } from './inapp-lanes';
import { InboxItemEncryption } from './inbox-item-encryption';
import { ListInboxUsecase } from './list-inbox.usecase';
import { InboxRepository } from './inbox.repository';
import { StoreInboxItemsUsecase } from './store-inbox-items.usecase';
import { UpdateInboxItemUsecase } from './update-inbox-item.usecase';

/** Ready while every lane's consumer is in its group. */
export const ConsumerReadiness = consumerReadiness('consumer', InappDispatchConsumers);

/** Starts listening to other replicas' announcements, and ends the live streams at shutdown. */
@Injectable()
export class LiveStreamLifecycle implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(InboxStreams) private readonly streams: InboxStreams,
    @Inject(PostgresInboxAnnouncements) private readonly announcements: PostgresInboxAnnouncements | null,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.announcements?.start();
  }

  // Open streams would keep the HTTP server from closing.
  beforeApplicationShutdown(): void {
    this.streams.closeAll();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.announcements?.stop();
  }
}

const publishDeliveryEvents = (publisher: EventPublisher) => (events: DeliveryEvent[]) =>
  publisher.publishMany(DeliveryEventTopic.topic, events);

// Global so that the health module can see the consumers for its readiness check, and the export
// and erasure modules the inbox's encryption.
@Global()
@Module({
  controllers: [InboxController],
  providers: [
    {
      provide: InboxItemEncryption,
      // The service's one Encryption: erasing a recipient drops their key from the cache that
      // opens the dispatches consumed too.
      useFactory: ({ encryptor, keys }: Encryption) => new InboxItemEncryption(encryptor, keys),
      inject: [ENCRYPTION],
    },
    InboxRepository,
    EncryptPlaintextInboxItems,
    RecipientTokenGuard,
    { provide: InboxLiveFeed, useValue: new InboxLiveFeed() },
    {
      provide: PostgresInboxAnnouncements,
      useFactory: (
        config: SenderInappConfig,
        dataSource: DataSource,
        store: InboxRepository,
        feed: InboxLiveFeed,
      ) =>
        config.INBOX_LISTEN_NOTIFY
          ? new PostgresInboxAnnouncements(config.DATABASE_URL, dataSource, store, feed)
          : null,
      inject: [SENDER_INAPP_CONFIG, DataSource, InboxRepository, InboxLiveFeed],
    },
    {
      provide: InboxStreams,
      useFactory: (feed: InboxLiveFeed, store: InboxRepository, config: SenderInappConfig) =>
        new InboxStreams(feed, store, config.INBOX_STREAM_HEARTBEAT),
      inject: [InboxLiveFeed, InboxRepository, SENDER_INAPP_CONFIG],
    },
    LiveStreamLifecycle,
    {
      provide: StoreInboxItemsUsecase,
      useFactory: (
        store: InboxRepository,
        publisher: EventPublisher,
        feed: InboxLiveFeed,
        announcements: PostgresInboxAnnouncements | null,
      ) =>
        new StoreInboxItemsUsecase({
          store,
          recordEvents: publishDeliveryEvents(publisher),
          announceNewItems: async (items) => {
            feed.deliver(items);
            await announcements?.announce(items);
          },
        }),
      inject: [InboxRepository, EventPublisher, InboxLiveFeed, PostgresInboxAnnouncements],
    },
    {
      provide: ListInboxUsecase,
      useFactory: (store: InboxRepository) => new ListInboxUsecase(store),
      inject: [InboxRepository],
    },
    {
      provide: CountUnreadUsecase,
      useFactory: (store: InboxRepository) => new CountUnreadUsecase(store),
      inject: [InboxRepository],
    },
    {
      provide: UpdateInboxItemUsecase,
      useFactory: (store: InboxRepository, publisher: EventPublisher) =>
        new UpdateInboxItemUsecase({ store, recordEvents: publishDeliveryEvents(publisher) }),
      inject: [InboxRepository, EventPublisher],
    },
    {
      provide: InappDispatchConsumers,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        storeItems: StoreInboxItemsUsecase,
        config: SenderInappConfig,
      ) =>
        new InappDispatchConsumers(kafka, publisher, storeItems, {
          lanes: inappLanes(),
          maxAttempts: config.INAPP_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, StoreInboxItemsUsecase, SENDER_INAPP_CONFIG],
    },
  ],
  // InboxItemEncryption: the export opens items with it, erasure destroys keys with it.
  exports: [InappDispatchConsumers, InboxItemEncryption],
})
export class InboxModule {}
