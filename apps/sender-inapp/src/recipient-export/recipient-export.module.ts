import { Module } from '@nestjs/common';
import { InboxExportController } from './inbox-export.controller';
import { InboxExportRepository } from './inbox-export.repository';

/** The in-app sender's part of a person's export: their inbox. */
@Module({
  controllers: [InboxExportController],
  providers: [InboxExportRepository],
})
export class RecipientExportModule {}
