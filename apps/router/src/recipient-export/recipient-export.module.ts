import { Module } from '@nestjs/common';
import { PreferenceStore } from '../preferences/preference';
import { RecipientStore } from '../recipients/recipient';
import { RoutingEncryption } from '../routing/routing-encryption';
import { ExportRecipient } from './export-recipient.usecase';
import { RecipientExportRepository } from './recipient-export.repository';
import { RecipientExportController } from './recipient-export.controller';

/** The router's parts of a person's export; the stores are the global ones of recipients and preferences. */
@Module({
  controllers: [RecipientExportController],
  providers: [
    RoutingEncryption,
    RecipientExportRepository,
    {
      provide: ExportRecipient,
      useFactory: (
        recipients: RecipientStore,
        preferences: PreferenceStore,
        store: RecipientExportRepository,
      ) => new ExportRecipient(recipients, preferences, store),
      inject: [RecipientStore, PreferenceStore, RecipientExportRepository],
    },
  ],
})
export class RecipientExportModule {}
