import { z } from 'zod';
import { MessageId, Timestamp } from '../common';

export const MAX_INBOX_PAGE_SIZE = 100;

/** Query of GET /v1/inbox (end-user API, authenticated by a recipient token). */
export const ListInboxQuery = z.strictObject({
  status: z.enum(['unread', 'read', 'archived', 'all']).default('all'),
  limit: z.coerce.number().int().min(1).max(MAX_INBOX_PAGE_SIZE).default(20),
  /** The `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});

export const InboxItem = z.strictObject({
  messageId: MessageId,
  title: z.string(),
  body: z.string(),
  actionUrl: z.string().optional(),
  data: z.record(z.string(), z.unknown()).optional(),
  createdAt: Timestamp,
  readAt: Timestamp.nullable(),
  archivedAt: Timestamp.nullable(),
});

/** Answer to GET /v1/inbox: newest first; archived items only when asked for. */
export const InboxPage = z.strictObject({
  items: z.array(InboxItem),
  nextCursor: z.string().nullable(),
});

/** Answer to GET /v1/inbox/unread-count. */
export const InboxUnreadCount = z.strictObject({ unread: z.number().int().min(0) });

/** Body of PATCH /v1/inbox/{messageId}: mark read or unread, archive or restore. */
export const UpdateInboxItemRequest = z
  .strictObject({ read: z.boolean().optional(), archived: z.boolean().optional() })
  .refine((change) => change.read !== undefined || change.archived !== undefined, {
    message: 'give read, archived or both',
    path: ['read'],
  });

/** Body of POST /v1/recipients/{recipientId}/inbox-token (tenant API key). */
export const IssueInboxTokenRequest = z.strictObject({
  /** Default one hour, at most seven days. */
  ttlSeconds: z.int().min(60).max(604_800).default(3600),
});
export const InboxTokenResponse = z.strictObject({ token: z.string(), expiresAt: Timestamp });

export type ListInboxQuery = z.infer<typeof ListInboxQuery>;
export type InboxItem = z.infer<typeof InboxItem>;
export type InboxPage = z.infer<typeof InboxPage>;
export type InboxUnreadCount = z.infer<typeof InboxUnreadCount>;
export type UpdateInboxItemRequest = z.infer<typeof UpdateInboxItemRequest>;
export type IssueInboxTokenRequest = z.infer<typeof IssueInboxTokenRequest>;
export type InboxTokenResponse = z.infer<typeof InboxTokenResponse>;
