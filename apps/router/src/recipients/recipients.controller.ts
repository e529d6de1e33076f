import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Put,
  Query,
  Res,
} from '@nestjs/common';
import {
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
import { RegisterPushSubscription } from './register-push-subscription.usecase';
import { RemovePushSubscription } from './remove-push-subscription.usecase';
import { UpsertRecipient } from './upsert-recipient.usecase';

const RecipientPath = z.object({ tenantId: TenantId, recipientId: RecipientId });
const EndpointQuery = z.object({ endpoint: z.string().min(1).max(2048) });

/** The one thing used of Fastify's reply: fastify is not a direct dependency to import types from. */
interface StatusReply {
  status(code: number): unknown;
}

/** Internal: the gateway forwards the public recipients API here. */
@Controller('internal/tenants/:tenantId/recipients/:recipientId')
export class RecipientsController {
  constructor(
    private readonly upsertRecipient: UpsertRecipient,
    private readonly getRecipient: GetRecipient,
    private readonly deleteRecipient: DeleteRecipient,
    private readonly registerPushSubscription: RegisterPushSubscription,
    private readonly removePushSubscription: RemovePushSubscription,
  ) {}

  /** 201 when the recipient is new, 200 when it was changed. */
  @Put()
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

  @Get()
  get(@Param() path: unknown): Promise<RecipientView> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    return this.getRecipient.execute(tenantId, recipientId);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  async delete(@Param() path: unknown): Promise<void> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    await this.deleteRecipient.execute(tenantId, recipientId);
  }

  /** 201 with the recipient when the endpoint is new, 200 when it was registered already. */
  @Post('push-subscriptions')
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

  @Delete('push-subscriptions')
  @HttpCode(HttpStatus.NO_CONTENT)
  async unregister(@Param() path: unknown, @Query() query: unknown): Promise<void> {
    const { tenantId, recipientId } = parseInput(RecipientPath, path, 'path');
    const { endpoint } = parseInput(EndpointQuery, query, 'query');
    await this.removePushSubscription.execute(tenantId, recipientId, endpoint);
  }
}
