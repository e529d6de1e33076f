import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { consumerMetrics } from '../consumer-metrics';
import { MESSAGING_OPTIONS, type MessagingModuleOptions } from './tokens';

/** GET /metrics/consumers: internal, like /health (no tenant key), for Prometheus to scrape. */
@ApiExcludeController()
@Controller('metrics')
export class ConsumerMetricsController {
  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: MessagingModuleOptions) {}

  @Get('consumers')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  consumers(): string {
    return consumerMetrics.prometheusText(this.options.kafka.clientId);
  }
}
