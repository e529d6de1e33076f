import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { TemplatesController } from './templates.controller';
import { TemplateServiceClient } from './template-service-client';

@Module({
  imports: [AuthModule],
  controllers: [TemplatesController],
  providers: [
    {
      provide: TemplateServiceClient,
      useFactory: (config: GatewayConfig) =>
        new TemplateServiceClient(internalServiceClient(config, 'template')),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class TemplatesModule {}
