import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { PublicRoute } from '@switchboard/service-kit';
import { consumerMetrics } from '../consumer-metrics';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './tokens';

/** GET /metrics/consumers: internal, like /health (no tenant key), for Prometheus to scrape. */
@ApiExcludeController()
@PublicRoute(
  'Prometheus scrapes it without a service credential; consumer counters per group and topic, no tenant or personal data',
)
@Controller('metrics')
export class ConsumerMetricsController {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions) {}

  @Get('consumers')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  consumers(): string {
    return consumerMetrics.prometheusText(this.options.kafka.clientId);
  }
}
