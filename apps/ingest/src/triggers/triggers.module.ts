import { Module } from '@nestjs/common';
import { INGEST_CONFIG, type IngestConfig } from '../config';
import { CreateTrigger } from './create-trigger.usecase';
import { ListTriggers } from './list-triggers.usecase';
import { TriggerRepository } from './trigger.repository';
import { TriggerStore } from './trigger';
import { TriggerCache } from './trigger-cache';
import { TriggersController } from './triggers.controller';

@Module({
  controllers: [TriggersController],
  providers: [
    TriggerRepository,
    { provide: TriggerStore, useExisting: TriggerRepository },
    {
      provide: TriggerCache,
      useFactory: (store: TriggerStore, config: IngestConfig) =>
        new TriggerCache(store, config.INGEST_TRIGGER_CACHE_TTL),
      inject: [TriggerStore, INGEST_CONFIG],
    },
    {
      provide: CreateTrigger,
      useFactory: (store: TriggerStore, cache: TriggerCache) => new CreateTrigger(store, cache),
      inject: [TriggerStore, TriggerCache],
    },
    {
      provide: ListTriggers,
      useFactory: (store: TriggerStore) => new ListTriggers(store),
      inject: [TriggerStore],
    },
  ],
  exports: [TriggerCache],
})
export class TriggersModule {}
