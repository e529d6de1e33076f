import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { MessageTypesController } from './message-types.controller';
import { RouterMessageTypeClient } from './router-message-type-client';

@Module({
  imports: [AuthModule],
  controllers: [MessageTypesController],
  providers: [
    {
      provide: RouterMessageTypeClient,
      useFactory: (config: GatewayConfig) =>
        new RouterMessageTypeClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class MessageTypesModule {}
