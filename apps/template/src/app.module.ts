import { Module, type Type } from '@nestjs/common';
import { DeliveryEventTopic, RenderRequestedTopics } from '@switchboard/contracts';
import { MessagingHealthIndicator, MessagingModule, kafkaSettingsFromConfig } from '@switchboard/messaging';
import { EncryptionModule } from '@switchboard/encryption';
import { DatabaseHealthIndicator, PersistenceModule } from '@switchboard/persistence';
import { ConfigModule, HealthModule, ServiceAccessModule } from '@switchboard/service-kit';
import { TEMPLATE_CONFIG, type TemplateConfig } from './config';
import { CreateTemplates1795595431377 } from './migrations/1795595431377-create-templates';
import { AddChannelParts1795607366135 } from './migrations/1795607366135-add-channel-parts';
import { DISPATCH_LANES } from './rendering/dispatch-lane';
import { ConsumerReadiness, RenderingModule } from './rendering/rendering.module';
import { TemplateVersionEntity } from './templates/template-version.entity';
import { TemplateEntity } from './templates/template.entity';
import { TemplatesModule } from './templates/templates.module';

export const TEMPLATE_SCHEMA = 'template';
// As many as the other pipeline topics; only used when this service is first to create a topic.
const PIPELINE_TOPIC_PARTITIONS = 6;

/** The template service's root module for one config (runService takes a module class, so it is made here). */
export function createAppModule(config: TemplateConfig): Type<unknown> {
  const topics = [...Object.values(RenderRequestedTopics), ...DISPATCH_LANES, DeliveryEventTopic].map(
    ({ topic }) => ({
      topic,
      partitions: PIPELINE_TOPIC_PARTITIONS,
    }),
  );

  @Module({
    imports: [
      ConfigModule.forRoot(TEMPLATE_CONFIG, config),
      PersistenceModule.forRoot({
        url: config.DATABASE_URL,
        schema: TEMPLATE_SCHEMA,
        entities: [TemplateEntity, TemplateVersionEntity],
        migrations: [CreateTemplates1795595431377, AddChannelParts1795607366135],
        poolSize: config.DATABASE_POOL_SIZE,
      }),
      // Provides the payload cipher the messaging module's publisher and consumers seal and open with.
      EncryptionModule.forRoot(config),
      MessagingModule.forRoot({
        kafka: kafkaSettingsFromConfig(config, 'template'),
        topics,
      }),
      ServiceAccessModule.forRoot({ audience: 'template', secrets: config.SERVICE_TOKEN_SECRETS }),
      HealthModule.register([MessagingHealthIndicator, DatabaseHealthIndicator, ConsumerReadiness]),
      TemplatesModule,
      RenderingModule,
    ],
  })
  class TemplateServiceModule {}
  return TemplateServiceModule;
}
