import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { SendingSettings, type SendingSettingsView, TenantId } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { GetSendingSettings } from './get-sending-settings.usecase';
import { PutSendingSettings } from './put-sending-settings.usecase';

const TenantPath = z.object({ tenantId: TenantId });

/** Internal: the gateway forwards the public sending settings API here. */
@Controller('internal/tenants/:tenantId/sending-settings')
export class SendingSettingsController {
  constructor(
    private readonly getSendingSettings: GetSendingSettings,
    private readonly putSendingSettings: PutSendingSettings,
  ) {}

  @Get()
  get(@Param() path: unknown): Promise<SendingSettingsView> {
    return this.getSendingSettings.execute(parseInput(TenantPath, path, 'path').tenantId);
  }

  @Put()
  put(@Param() path: unknown, @Body() body: unknown): Promise<SendingSettingsView> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    return this.putSendingSettings.execute(tenantId, parseInput(SendingSettings, body));
  }
}
