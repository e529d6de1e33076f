import { Body, Controller, Get, Param, Patch, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  type InboxItem,
  type InboxPage,
  type InboxUnreadCount,
  ListInboxQuery,
  MessageId,
  UpdateInboxItemRequest,
} from '@switchboard/contracts';
import { parseInput, PublicRoute } from '@switchboard/service-kit';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CountUnreadUsecase } from '../inbox/count-unread.usecase';
import type { InboxOwner } from '../inbox/inbox-store';
import { ListInboxUsecase } from '../inbox/list-inbox.usecase';
import { UpdateInboxItemUsecase } from '../inbox/update-inbox-item.usecase';
import { InboxStreams } from '../stream/inbox-streams';
import { Owner } from './inbox-owner.decorator';
import { RecipientTokenGuard } from './recipient-token.guard';

const InboxItemPath = z.strictObject({ messageId: MessageId });

/** The end user's own inbox; the recipient token says whose. */
@PublicRoute(
  'end users’ apps call it with a recipient token, checked by RecipientTokenGuard, not with a service credential',
)
@UseGuards(RecipientTokenGuard)
@Controller('v1/inbox')
export class InboxController {
  constructor(
    private readonly listInbox: ListInboxUsecase,
    private readonly countUnread: CountUnreadUsecase,
    private readonly updateInboxItem: UpdateInboxItemUsecase,
    private readonly streams: InboxStreams,
  ) {}

  @Get()
  list(@Owner() owner: InboxOwner, @Query() query: unknown): Promise<InboxPage> {
    return this.listInbox.execute(owner, parseInput(ListInboxQuery, query, 'query'));
  }

  @Get('unread-count')
  unreadCount(@Owner() owner: InboxOwner): Promise<InboxUnreadCount> {
    return this.countUnread.execute(owner);
  }

  @Get('stream')
  stream(
    @Owner() owner: InboxOwner,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    return this.streams.stream(owner, request, reply);
  }

  @Patch(':messageId')
  update(@Owner() owner: InboxOwner, @Param() path: unknown, @Body() body: unknown): Promise<InboxItem> {
    const { messageId } = parseInput(InboxItemPath, path, 'path');
    return this.updateInboxItem.execute(owner, messageId, parseInput(UpdateInboxItemRequest, body));
  }
}
