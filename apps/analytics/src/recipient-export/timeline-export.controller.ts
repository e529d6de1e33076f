import { Controller, Get, Param, Query } from '@nestjs/common';
import { type AnalyticsTimelineExport, ExportMessageIdsQuery, TenantId } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { DeadLetterPayloads } from '../dead-letters/dead-letter-payloads';
import { TimelineExportRepository } from './timeline-export.repository';

const TenantPath = z.strictObject({ tenantId: TenantId });

/** Internal: the timelines and dead letters of a page of a person's messages, for their export (GDPR/CCPA). */
@Controller('internal/tenants/:tenantId/message-timelines')
export class TimelineExportController {
  constructor(
    private readonly store: TimelineExportRepository,
    private readonly payloads: DeadLetterPayloads,
  ) {}

  @Get()
  async timelines(@Param() path: unknown, @Query() query: unknown): Promise<AnalyticsTimelineExport> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const { ids } = parseInput(ExportMessageIdsQuery, query, 'query');
    const [messages, deadLetters] = await Promise.all([
      this.store.timelinesOf(tenantId, ids),
      this.store.deadLettersOf(tenantId, ids),
    ]);
    // The person's own data: their dead letters' sealed fields are opened for them.
    return { messages, deadLetters: await this.payloads.opened(deadLetters) };
  }
}
