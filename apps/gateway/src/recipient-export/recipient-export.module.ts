import { Module } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { ExportRecipient } from './export-recipient.usecase';
import { RecipientAuditEntryRepository } from './recipient-audit-entry.repository';
import { RecipientExportController } from './recipient-export.controller';
import { RecipientExportSources } from './recipient-export-sources';

/** GET /v1/recipients/{id}/export: the gateway asks every service holding a part and writes one document. */
@Module({
  imports: [AuthModule],
  controllers: [RecipientExportController],
  providers: [
    {
      provide: ExportRecipient,
      useFactory: (config: GatewayConfig, dataSource: DataSource) =>
        new ExportRecipient(
          new RecipientExportSources({
            router: internalServiceClient(config, 'router'),
            ingest: internalServiceClient(config, 'ingest'),
            analytics: internalServiceClient(config, 'analytics'),
            ...(config.SENDER_INAPP_URL
              ? { senderInapp: internalServiceClient(config, 'sender-inapp') }
              : {}),
          }),
          new RecipientAuditEntryRepository(dataSource),
        ),
      inject: [GATEWAY_CONFIG, DataSource],
    },
  ],
})
export class RecipientExportModule {}
