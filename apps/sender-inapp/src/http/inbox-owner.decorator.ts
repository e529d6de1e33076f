import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RecipientRequest } from './recipient-token.guard';

/** The recipient (and tenant) of a route guarded by RecipientTokenGuard. */
export const Owner = createParamDecorator(
  (_data: unknown, context: ExecutionContext) =>
    context.switchToHttp().getRequest<RecipientRequest>().inboxOwner,
);
