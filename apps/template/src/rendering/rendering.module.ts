import { Global, Module } from '@nestjs/common';
import { consumerReadiness, EventPublisher, KAFKA } from '@switchboard/messaging';
import { CompiledTemplateCache } from '@switchboard/rendering';
import type { Kafka } from 'kafkajs';
import { TEMPLATE_CONFIG, type TemplateConfig } from '../config';
import { TemplatesModule } from '../templates/templates.module';
import { RenderMessageUsecase } from './render-message.usecase';
import { RenderRequestsConsumer } from './render-requests.consumer';
import { TemplateVersionCache } from '../templates/template-version-cache';

/** Ready while both groups of the render consumer are in them. */
export const ConsumerReadiness = consumerReadiness('consumer', RenderRequestsConsumer);

// Global so that the health module can see the consumer for its readiness check.
@Global()
@Module({
  imports: [TemplatesModule],
  providers: [
    { provide: CompiledTemplateCache, useFactory: () => new CompiledTemplateCache() },
    {
      provide: RenderMessageUsecase,
      useFactory: (versions: TemplateVersionCache, compiledTemplates: CompiledTemplateCache) =>
        new RenderMessageUsecase({ versions, compiledTemplates }),
      inject: [TemplateVersionCache, CompiledTemplateCache],
    },
    {
      provide: RenderRequestsConsumer,
      useFactory: (
        kafka: Kafka,
        publisher: EventPublisher,
        renderMessage: RenderMessageUsecase,
        config: TemplateConfig,
      ) =>
        new RenderRequestsConsumer(kafka, publisher, renderMessage, {
          partitionsConsumedConcurrently: config.TEMPLATE_PARTITIONS_CONCURRENCY,
          maxAttempts: config.TEMPLATE_MAX_ATTEMPTS,
        }),
      inject: [KAFKA, EventPublisher, RenderMessageUsecase, TEMPLATE_CONFIG],
    },
  ],
  exports: [RenderRequestsConsumer],
})
export class RenderingModule {}
