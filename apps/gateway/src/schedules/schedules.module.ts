import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { RouterScheduleClient } from './router-schedule-client';
import { SchedulesController } from './schedules.controller';

@Module({
  imports: [AuthModule],
  controllers: [SchedulesController],
  providers: [
    {
      provide: RouterScheduleClient,
      useFactory: (config: GatewayConfig) =>
        new RouterScheduleClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class SchedulesModule {}
