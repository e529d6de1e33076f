import { Module } from '@nestjs/common';
import { MessageEncryption } from '../encryption/message-encryption';
import { MessageExportController } from './message-export.controller';
import { MessageExportRepository } from './message-export.repository';

/** Ingest's part of a person's export: the messages addressed to them. */
@Module({
  controllers: [MessageExportController],
  providers: [MessageEncryption, MessageExportRepository],
})
export class RecipientExportModule {}
