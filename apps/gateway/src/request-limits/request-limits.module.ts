import { Global, Module } from '@nestjs/common';
import { SharedRateLimiter } from '@switchboard/delivery';
import { DataSource } from 'typeorm';
import { RequestLimits } from '../auth/request-limits';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GATEWAY_SCHEMA } from '../gateway-database';
import { SharedRequestLimits } from './shared-request-limits';

// Two buckets per active key; beyond this many, idle ones are dropped from memory (not the table).
const MAX_BUCKETS_IN_MEMORY = 20_000;

/** Per key and per tenant request limits, shared by every replica through the gateway's schema. */
@Global()
@Module({
  providers: [
    {
      provide: RequestLimits,
      useFactory: (dataSource: DataSource, config: GatewayConfig) =>
        new SharedRequestLimits(
          {
            perKey: { ratePerSecond: config.REQUEST_RATE_PER_KEY, burst: config.REQUEST_BURST_PER_KEY },
            perTenant: {
              ratePerSecond: config.REQUEST_RATE_PER_TENANT,
              burst: config.REQUEST_BURST_PER_TENANT,
            },
            maxBuckets: MAX_BUCKETS_IN_MEMORY,
          },
          (bucketKey, { ratePerSecond, burst }) =>
            new SharedRateLimiter({
              query: (sql, params) => dataSource.query(sql, params),
              schema: GATEWAY_SCHEMA,
              bucketKey,
              ratePerSecond,
              burst,
            }),
        ),
      inject: [DataSource, GATEWAY_CONFIG],
    },
  ],
  exports: [RequestLimits],
})
export class RequestLimitsModule {}
