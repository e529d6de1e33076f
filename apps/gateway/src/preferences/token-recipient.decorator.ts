import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RecipientTokenRequest, TokenRecipient } from '../auth/recipient-token.guard';

/** The tenant and recipient of a route guarded by RecipientTokenGuard. */
export const Recipient = createParamDecorator(
  (_data: unknown, context: ExecutionContext): TokenRecipient =>
    context.switchToHttp().getRequest<RecipientTokenRequest>().tokenRecipient,
);
