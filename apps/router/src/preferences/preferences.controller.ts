import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post, Put } from '@nestjs/common';
import {
  CategoryName,
  Channel,
  RecipientId,
  RecipientPreferences,
  type RecipientPreferencesView,
  TenantId,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { GetRecipientPreferences } from './get-recipient-preferences.usecase';
import { OptOutOfCategory } from './opt-out-of-category.usecase';
import { PutRecipientPreferences } from './put-recipient-preferences.usecase';

const RecipientPath = z.object({ tenantId: TenantId, recipientId: RecipientId });
/** Internal only: what the gateway's one-click unsubscribe sends; no public contract carries it. */
const OptOutRequest = z.strictObject({ category: CategoryName, channel: Channel.optional() });

/** Internal: the gateway forwards the tenant's and the end user's preferences APIs here. */
@Controller('internal/tenants/:tenantId/recipients/:recipientId/preferences')
export class PreferencesController {
  constructor(
    private readonly getPreferences: GetRecipientPreferences,
    private readonly putPreferences: PutRecipientPreferences,
    private readonly optOutOfCategory: OptOutOfCategory,
  ) {}

  @Get()
  get(@Param() path: unknown): Promise<RecipientPreferencesView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    return this.getPreferences.execute(tenantId, recipientId);
  }

  @Put()
  put(@Param() path: unknown, @Body() body: unknown): Promise<RecipientPreferencesView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    return this.putPreferences.execute(tenantId, recipientId, parseInput(RecipientPreferences, body));
  }

  /** 200 with the preferences, also when the recipient was opted out already. */
  @Post('opt-outs')
  @HttpCode(HttpStatus.OK)
  optOut(@Param() path: unknown, @Body() body: unknown): Promise<RecipientPreferencesView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { category, channel } = parseInput(OptOutRequest, body);
    return this.optOutOfCategory.execute(tenantId, recipientId, category, channel);
  }
}
