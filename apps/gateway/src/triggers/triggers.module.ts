import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { IngestTriggerClient } from './ingest-trigger-client';
import { TriggersController } from './triggers.controller';

@Module({
  imports: [AuthModule],
  controllers: [TriggersController],
  providers: [
    {
      provide: IngestTriggerClient,
      useFactory: (config: GatewayConfig) => new IngestTriggerClient(internalServiceClient(config, 'ingest')),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class TriggersModule {}
