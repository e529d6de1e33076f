import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { RouterSuppressionClient } from './router-suppression-client';
import { SuppressionsController } from './suppressions.controller';

@Module({
  imports: [AuthModule],
  controllers: [SuppressionsController],
  providers: [
    {
      provide: RouterSuppressionClient,
      useFactory: (config: GatewayConfig) =>
        new RouterSuppressionClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
  ],
  // SMS replies opt numbers out and in through the same router API.
  exports: [RouterSuppressionClient],
})
export class SuppressionsModule {}
