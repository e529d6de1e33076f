import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { HealthController } from './health.controller';
import { READINESS_CHECKS, type ReadinessCheck } from './readiness-check';

/** GET /health/live and GET /health/ready, the latter running every given check. */
@Module({})
export class HealthModule {
  static register(checks: Array<Type<ReadinessCheck>>): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        ...checks,
        {
          provide: READINESS_CHECKS,
          useFactory: (...instances: ReadinessCheck[]) => instances,
          inject: checks,
        },
      ],
    };
  }
}
