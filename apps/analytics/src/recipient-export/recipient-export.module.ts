import { Module } from '@nestjs/common';
import { PgTimelineExportStore } from './pg-timeline-export-store';
import { TimelineExportController } from './timeline-export.controller';

/** Analytics' part of a person's export: what happened to each of their messages. */
@Module({
  controllers: [TimelineExportController],
  providers: [PgTimelineExportStore],
})
export class RecipientExportModule {}
