import { Controller, Get, Logger, Param, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { RecipientExportDocument, RecipientId } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { ExportRecipient } from './export-recipient.usecase';

const RecipientPath = z.object({ recipientId: RecipientId });

/** A person's data subject access (GDPR art. 15, CCPA right to know): everything held, as one file. */
@ApiTags('recipients')
@Controller('v1/recipients')
export class RecipientExportController {
  private readonly logger = new Logger(RecipientExportController.name);

  constructor(private readonly exportRecipient: ExportRecipient) {}

  @Get(':recipientId/export')
  @RequirePermission('recipients:export')
  @ApiOperation({
    summary: 'Everything held about a recipient, as one JSON document, streamed',
    description:
      'Profile and contact points, preferences, the suppressions of their addresses, recurring schedules ' +
      'addressed to them, every message addressed to their recipient id with its routing and timeline, ' +
      'their inbox and the audit entries about them. 503 when a service holding a part is down; a ' +
      'failure after the first byte cuts the download, and only a document ending in "complete": true is whole.',
  })
  @ApiProduces('application/json')
  @ApiOkResponse({ schema: openApiSchema(RecipientExportDocument, 'output') })
  @ApiServiceUnavailableResponse({ description: 'A service holding part of the data is unavailable' })
  async export(
    @Tenant() tenantId: string,
    @Param() path: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { recipientId } = parseInput(RecipientPath, path, 'path');
    const document = await this.exportRecipient.start(tenantId, recipientId);
    const body = Readable.from(document, { objectMode: false });
    body.on('error', (error: Error) => {
      // The status is sent: cutting the connection is how the caller learns the file is broken.
      this.logger.error(`recipient export failed after it started: ${error.message}`, { tenantId });
    });
    await reply
      .status(200)
      .header('content-type', 'application/json; charset=utf-8')
      .header('content-disposition', `attachment; filename="recipient-export-${recipientId}.json"`)
      .header('cache-control', 'no-store')
      .send(body);
  }
}
