import { Module } from '@nestjs/common';
import { InboxExportController } from './inbox-export.controller';
import { PgInboxExportStore } from './pg-inbox-export-store';

/** The in-app sender's part of a person's export: their inbox. */
@Module({
  controllers: [InboxExportController],
  providers: [PgInboxExportStore],
})
export class RecipientExportModule {}
