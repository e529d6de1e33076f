import { Module } from '@nestjs/common';
import { TimelineExportRepository } from './timeline-export.repository';
import { TimelineExportController } from './timeline-export.controller';

/** Analytics' part of a person's export: what happened to each of their messages. */
@Module({
  controllers: [TimelineExportController],
  providers: [TimelineExportRepository],
})
export class RecipientExportModule {}
