import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import type { GatewayConfig } from '../config';
import { GATEWAY_CONFIG } from '../gateway-config.module';
import { InternalServiceClient } from '../internal-services/internal-service-client';
import { MessageTypesController } from './message-types.controller';
import { RouterMessageTypeClient } from './router-message-type-client';

@Module({
  imports: [AuthModule],
  controllers: [MessageTypesController],
  providers: [
    {
      provide: RouterMessageTypeClient,
      useFactory: (config: GatewayConfig) =>
        new RouterMessageTypeClient(
          new InternalServiceClient('router', config.ROUTER_URL, config.INTERNAL_HTTP_TIMEOUT),
        ),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class MessageTypesModule {}
