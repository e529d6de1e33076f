import { Controller, HttpStatus, Param, Post, Res } from '@nestjs/common';
import { type CancelMessageResponse, MessageId, TenantId } from '@switchboard/contracts';
import { parseInput } from '@switchboard/service-kit';
import { z } from 'zod';
import { CancelMessage } from './cancel-message.usecase';

const MessagePath = z.object({ tenantId: TenantId, messageId: MessageId });

/** The one thing used of Fastify's reply: fastify is not a direct dependency to import types from. */
interface StatusReply {
  status(code: number): unknown;
}

/** Internal: the gateway forwards DELETE /v1/messages/{id} here. */
@Controller('internal/tenants/:tenantId/messages/:messageId')
export class CancellationsController {
  constructor(private readonly cancelMessage: CancelMessage) {}

  /** 200 when cancelled (now or before), 202 when recorded for a message the router has not decided on yet. */
  @Post('cancel')
  async cancel(
    @Param() path: unknown,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<CancelMessageResponse> {
    const message = parseInput(MessagePath, path, 'path');
    const answer = await this.cancelMessage.execute(message);
    reply.status(answer.status === 'cancelled' ? HttpStatus.OK : HttpStatus.ACCEPTED);
    return answer;
  }
}
