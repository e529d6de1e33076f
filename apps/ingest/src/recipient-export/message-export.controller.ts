import { Controller, Get, Param, Query } from '@nestjs/common';
import { ExportPageQuery, type IngestMessageExportPage, RecipientId, TenantId } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { decodeMessageExportCursor, encodeMessageExportCursor } from './message-export-cursor';
import { MessageExportRepository } from './message-export.repository';

const RecipientPath = z.strictObject({ tenantId: TenantId, recipientId: RecipientId });

/**
 * Internal: a person's messages for their export (GDPR/CCPA), a page at a time so that a person
 * with a hundred thousand messages never sits in memory at once.
 */
@Controller('internal/tenants/:tenantId/recipients/:recipientId/messages')
export class MessageExportController {
  constructor(private readonly store: MessageExportRepository) {}

  @Get()
  async page(@Param() path: unknown, @Query() query: unknown): Promise<IngestMessageExportPage> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { cursor, limit } = parseInput(ExportPageQuery, query, 'query');
    const after = cursor === undefined ? undefined : decodeMessageExportCursor(cursor);
    const { messages, last } = await this.store.page(tenantId, recipientId, after, limit);
    return { messages, nextCursor: last ? encodeMessageExportCursor(last) : null };
  }
}
