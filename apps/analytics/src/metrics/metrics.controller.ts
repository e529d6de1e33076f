import { Controller, Get, Header } from '@nestjs/common';
import { PublicRoute } from '@switchboard/service-kit';
import { GetDeliveryMetricsUsecase } from './get-delivery-metrics.usecase';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus-text';

/** Internal, like the health endpoints: scraped by Prometheus, never reached through the gateway. */
@PublicRoute(
  'Prometheus scrapes it without a service credential; platform-wide counts by channel, provider and topic, no tenant or personal data',
)
@Controller('metrics')
export class MetricsController {
  constructor(private readonly getDeliveryMetrics: GetDeliveryMetricsUsecase) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_CONTENT_TYPE)
  scrape(): Promise<string> {
    return this.getDeliveryMetrics.execute();
  }
}
