import { Controller, Get, Param } from '@nestjs/common';
import { MessageId, type MessageStatusView, TenantId } from '@switchboard/contracts';
import { parseInput, ProblemException } from '@switchboard/service-kit';
import { z } from 'zod';
import { GetMessageStatusUsecase } from './get-message-status.usecase';

const MessagePath = z.strictObject({ tenantId: TenantId, messageId: MessageId });

/** Internal: the gateway has authenticated the tenant and asks on its behalf. */
@Controller('internal/messages')
export class MessagesController {
  constructor(private readonly getMessageStatus: GetMessageStatusUsecase) {}

  @Get(':tenantId/:messageId')
  async find(@Param() path: Record<string, string>): Promise<MessageStatusView> {
    const { tenantId, messageId } = parseInput(MessagePath, path, 'path');
    const message = await this.getMessageStatus.execute(tenantId, messageId);
    if (!message) {
      throw new ProblemException(404, 'MESSAGE_NOT_FOUND', `tenant ${tenantId} has no message ${messageId}`);
    }
    return message;
  }
}
