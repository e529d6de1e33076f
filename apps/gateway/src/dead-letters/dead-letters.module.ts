import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { OperatorAuthModule } from '../auth/operator-auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { AnalyticsDeadLettersClient } from './analytics-dead-letters-client';
import { DeadLettersController } from './dead-letters.controller';
import { OperatorDeadLettersController } from './operator-dead-letters.controller';

@Module({
  imports: [AuthModule, OperatorAuthModule],
  controllers: [DeadLettersController, OperatorDeadLettersController],
  providers: [
    {
      provide: AnalyticsDeadLettersClient,
      useFactory: (config: GatewayConfig) =>
        new AnalyticsDeadLettersClient(internalServiceClient(config, 'analytics')),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class DeadLettersModule {}
