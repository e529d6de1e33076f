import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { AuditLog } from './audit-log';
import { AuditLogController } from './audit-log.controller';
import { AuditRecorder } from './audit-recorder';
import { AuditRouteInterceptor } from './audit-route.interceptor';
import { ListAuditLog } from './list-audit-log.usecase';
import { AuditLogRepository } from './audit-log.repository';
import { VerifyAuditChain } from './verify-audit-chain.usecase';

/** Records every state-changing request in a hash-chained log, and lets a tenant read and verify it. */
@Module({
  controllers: [AuditLogController],
  providers: [
    {
      provide: AuditLog,
      useFactory: (dataSource: DataSource, config: GatewayConfig) =>
        new AuditLogRepository(dataSource, config.AUDIT_RECORD_TIMEOUT),
      inject: [DataSource, GATEWAY_CONFIG],
    },
    { provide: ListAuditLog, useFactory: (log: AuditLog) => new ListAuditLog(log), inject: [AuditLog] },
    {
      provide: VerifyAuditChain,
      useFactory: (log: AuditLog) => new VerifyAuditChain(log),
      inject: [AuditLog],
    },
    AuditRecorder,
    { provide: APP_INTERCEPTOR, useClass: AuditRouteInterceptor },
  ],
})
export class AuditModule {}
