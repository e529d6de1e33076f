import { Body, Controller, Get, Put, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { SendingSettings, SendingSettingsView } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import type { FastifyReply } from 'fastify';
import { recordBeforeState } from '../audit/audit-context';
import { RequirePermission } from '../auth/route-access';
import { Tenant } from '../auth/tenant.decorator';
import { openApiSchema } from '../http/openapi-schema';
import { passThrough } from '../internal-services/pass-through';
import { NationalPhoneNumbers } from './national-phone-numbers';
import { RouterSendingSettingsClient } from './router-sending-settings-client';

// Shown as the problem's code when the router rejects a call without a problem document.
const REJECTED = 'SENDING_SETTINGS_REQUEST_REJECTED';

/** A tenant's sending rules live in the router, which applies them; the gateway forwards. */
@ApiTags('sending settings')
@Controller('v1/sending-settings')
export class SendingSettingsController {
  constructor(
    private readonly sendingSettings: RouterSendingSettingsClient,
    private readonly nationalPhoneNumbers: NationalPhoneNumbers,
  ) {}

  @Get()
  @RequirePermission('sending-settings:read')
  @ApiOperation({ summary: "The tenant's sending settings (the defaults, updatedAt null, when never set)" })
  @ApiOkResponse({ schema: openApiSchema(SendingSettingsView, 'output') })
  async get(@Tenant() tenantId: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return passThrough(reply, await this.sendingSettings.get(tenantId), REJECTED);
  }

  @Put()
  @RequirePermission('sending-settings:write')
  @ApiOperation({
    summary:
      'Replace the default message type, time zone, quiet hours, frequency limits and phone region (a field left out takes its default)',
  })
  @ApiBody({ schema: openApiSchema(SendingSettings) })
  @ApiOkResponse({ schema: openApiSchema(SendingSettingsView, 'output') })
  @ApiUnprocessableEntityResponse({
    description: 'SENDING_SETTINGS_REFUSED: the default message type does not exist',
  })
  async put(
    @Tenant() tenantId: string,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const settings = parseInput(SendingSettings, body);
    // For the audit log: the settings as they were (the defaults when never set).
    const current = await this.sendingSettings.get(tenantId);
    recordBeforeState(reply.request, current.status === 200 ? current.body : null);
    const answer = await this.sendingSettings.put(tenantId, settings);
    this.nationalPhoneNumbers.forget(tenantId);
    return passThrough(reply, answer, REJECTED);
  }
}
