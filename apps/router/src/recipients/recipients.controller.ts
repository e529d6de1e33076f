import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
  ImportRecipientsRequest,
  type ImportRecipientsResponse,
  PatchRecipientRequest,
  RecipientId,
  type RecipientView,
  RegisterPushSubscriptionRequest,
  TenantId,
  UpsertRecipientRequest,
} from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { DeleteRecipient } from './delete-recipient.usecase';
import { GetRecipient } from './get-recipient.usecase';
import { ImportRecipients } from './import-recipients.usecase';
import { PatchRecipient } from './patch-recipient.usecase';
import { RegisterPushSubscription } from './register-push-subscription.usecase';
import { RemovePushSubscription } from './remove-push-subscription.usecase';
import { UpsertRecipient } from './upsert-recipient.usecase';

const TenantPath = z.object({ tenantId: TenantId });
const RecipientPath = z.object({ tenantId: TenantId, recipientId: RecipientId });
const EndpointQuery = z.object({ endpoint: z.string().min(1).max(2048) });

/** The one thing used of Fastify's reply: fastify is not a direct dependency to import types from. */
interface StatusReply {
  status(code: number): unknown;
}

/** Internal: the gateway forwards the public recipients API here. */
@Controller('internal/tenants/:tenantId/recipients')
export class RecipientsController {
  constructor(
    private readonly upsertRecipient: UpsertRecipient,
    private readonly patchRecipient: PatchRecipient,
    private readonly importRecipients: ImportRecipients,
    private readonly getRecipient: GetRecipient,
    private readonly deleteRecipient: DeleteRecipient,
    private readonly registerPushSubscription: RegisterPushSubscription,
    private readonly removePushSubscription: RemovePushSubscription,
  ) {}

  /** Whole profiles in bulk: 200 when every item was written, 207 otherwise (see each result). */
  @Post('batch')
  async import(
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<ImportRecipientsResponse> {
    const { tenantId } = parseInput(TenantPath, path, 'path');
    const { recipients } = parseInput(ImportRecipientsRequest, body);
    const { status, body: answer } = await this.importRecipients.execute(tenantId, recipients);
    reply.status(status);
    return answer;
  }

  /** 201 when the recipient is new, 200 when its profile was replaced. */
  @Put(':recipientId')
  async upsert(
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<RecipientView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { recipient, created } = await this.upsertRecipient.execute(
      tenantId,
      recipientId,
      parseInput(UpsertRecipientRequest, body),
    );
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return recipient;
  }

  @Patch(':recipientId')
  patch(@Param() path: unknown, @Body() body: unknown): Promise<RecipientView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    return this.patchRecipient.execute(tenantId, recipientId, parseInput(PatchRecipientRequest, body));
  }

  @Get(':recipientId')
  get(@Param() path: unknown): Promise<RecipientView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    return this.getRecipient.execute(tenantId, recipientId);
  }

  @Delete(':recipientId')
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param() path: unknown): Promise<void> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    await this.deleteRecipient.execute(tenantId, recipientId);
  }

  /** 201 with the recipient when the endpoint is new, 200 when it was registered already. */
  @Post(':recipientId/push-subscriptions')
  async register(
    @Param() path: unknown,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<RecipientView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { recipient, created } = await this.registerPushSubscription.execute(
      tenantId,
      recipientId,
      parseInput(RegisterPushSubscriptionRequest, body),
    );
    reply.status(created ? HttpStatus.CREATED : HttpStatus.OK);
    return recipient;
  }

  @Delete(':recipientId/push-subscriptions')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unregister(@Param() path: unknown, @Query() query: unknown): Promise<void> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { endpoint } = parseInput(EndpointQuery, query, 'query');
    await this.removePushSubscription.execute(tenantId, recipientId, endpoint);
  }
}
