import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  type InboxTokenResponse,
  InboxTokenResponse as InboxTokenResponseSchema,
  IssueInboxTokenRequest,
  RecipientId,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { IssueInboxTokenUsecase } from './issue-inbox-token.usecase';

const InboxTokenPath = z.strictObject({ recipientId: RecipientId });

/** Tokens for end users' apps: the inbox API (sender-inapp) takes them instead of an API key. */
@ApiTags('inbox')
@Controller('v1/recipients')
export class InboxTokensController {
  constructor(private readonly issueInboxToken: IssueInboxTokenUsecase) {}

  @Post(':recipientId/inbox-token')
  @RequirePermission('inbox-tokens:issue')
  @HttpCode(200)
  @ApiOperation({ summary: "Issue a token with which one recipient's app reads their in-app inbox" })
  @ApiBody({ schema: openApiSchema(IssueInboxTokenRequest), required: false })
  @ApiOkResponse({ schema: openApiSchema(InboxTokenResponseSchema, 'output') })
  issue(@Tenant() tenantId: string, @Param() path: unknown, @Body() body: unknown): InboxTokenResponse {
    const { recipientId } = parseInput(InboxTokenPath, path, 'path');
    return this.issueInboxToken.execute(
      tenantId,
      recipientId,
      parseInput(IssueInboxTokenRequest, body ?? {}),
    );
  }
}
