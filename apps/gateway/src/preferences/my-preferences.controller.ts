import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { RecipientPreferences, RecipientPreferencesView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { REJECTED } from './preferences-rejected';
import type { TokenRecipient } from '../auth/recipient-token.guard';
import { RequireRecipientToken } from '../auth/route-access';
import { RouterPreferenceClient } from './router-preference-client';
import { Recipient } from './token-recipient.decorator';

const AUTHENTICATION =
  'Authenticated by a recipient token (Authorization: Bearer <token> from POST ' +
  "/v1/recipients/{recipientId}/inbox-token), not an API key: the end user's app calls it, and " +
  'the token alone says which tenant and recipient.';

/** The end user's own preferences, for a tenant's app to show without holding an API key. */
@ApiTags('preferences')
@Controller('v1/me/preferences')
export class MyPreferencesController {
  constructor(private readonly preferences: RouterPreferenceClient) {}

  @Get()
  @RequireRecipientToken()
  @ApiOperation({ summary: 'My preferences', description: AUTHENTICATION })
  @ApiOkResponse({ schema: openApiSchema(RecipientPreferencesView, 'output') })
  @ApiUnauthorizedResponse({ description: 'No recipient token, or one that is malformed, forged or expired' })
  async get(
    @Recipient() recipient: TokenRecipient,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    return passThrough(
      reply,
      await this.preferences.get(recipient.tenantId, recipient.recipientId),
      REJECTED,
    );
  }

  @Put()
  @RequireRecipientToken()
  @ApiOperation({
    summary: 'Replace my preferences (a field left out takes its default)',
    description: AUTHENTICATION,
  })
  @ApiBody({ schema: openApiSchema(RecipientPreferences) })
  @ApiOkResponse({ schema: openApiSchema(RecipientPreferencesView, 'output') })
  @ApiUnauthorizedResponse({ description: 'No recipient token, or one that is malformed, forged or expired' })
  async put(
    @Recipient() recipient: TokenRecipient,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const preferences = parseInput(RecipientPreferences, body);
    return passThrough(
      reply,
      await this.preferences.put(recipient.tenantId, recipient.recipientId, preferences),
      REJECTED,
    );
  }
}
