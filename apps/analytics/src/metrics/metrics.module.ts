import { Module } from '@nestjs/common';
import { GetDeliveryMetricsUsecase } from './get-delivery-metrics.usecase';
import { MetricsController } from './metrics.controller';
import { MetricsRepository } from './metrics.repository';

@Module({
  controllers: [MetricsController],
  providers: [
    MetricsRepository,
    {
      provide: GetDeliveryMetricsUsecase,
      useFactory: (metrics: MetricsRepository) => new GetDeliveryMetricsUsecase(metrics),
      inject: [MetricsRepository],
    },
  ],
})
export class MetricsModule {}
