import { z } from 'zod';
import { Channel, MessageId, RecipientId, TenantId, Timestamp } from '../common';
import { DeliveryEventType } from '../events/delivery-event/delivery-event';
import { DeadLetterView } from './dead-letters';
import { InboxItem } from './inbox';
import { MessageTimelineEntry } from './message-status';
import { RecipientView } from './recipients';
import { RecipientPreferences } from './sending-policy';
import { SuppressionView } from './suppressions';

/*
 * GET /v1/recipients/{recipientId}/export assembles one document from the internal parts below,
 * each answered by the service that owns the data. Stored rows are exported as they were written,
 * so the JSON a caller once sent (message content, a schedule's message) is kept open here: an
 * export must not fail on a row an older version stored.
 */

/** At most this many message ids per call for the parts looked up by message id. */
export const MAX_EXPORT_MESSAGE_IDS = 100;
export const MAX_EXPORT_PAGE_SIZE = 500;
export const DEFAULT_EXPORT_PAGE_SIZE = 200;

const JsonObject = z.record(z.string(), z.unknown());

/** Query of a cursor-paged export part: `nextCursor` of the previous page, and the page size. */
export const ExportPageQuery = z.strictObject({
  cursor: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_EXPORT_PAGE_SIZE).default(DEFAULT_EXPORT_PAGE_SIZE),
});

/** Query of a part looked up by message id: `ids` is a comma-separated list of message ids. */
export const ExportMessageIdsQuery = z.strictObject({
  ids: z
    .string()
    .min(1)
    .transform((ids) => ids.split(','))
    .pipe(z.array(MessageId).min(1).max(MAX_EXPORT_MESSAGE_IDS)),
});

/** A recurring schedule whose message is addressed to the person. */
export const ExportedRecurringSchedule = z.strictObject({
  id: z.uuid(),
  name: z.string().nullable(),
  cron: z.string(),
  timeZone: z.string(),
  message: JsonObject,
  status: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** The router's answer to GET /internal/tenants/{tenantId}/recipients/{recipientId}/export. */
export const RouterRecipientExport = z.strictObject({
  /** null: the router holds no profile under this id (never stored, or deleted). */
  profile: RecipientView.nullable(),
  preferences: RecipientPreferences.nullable(),
  /** The suppressions of the profile's email address, phone number and push endpoints. */
  suppressions: z.array(SuppressionView),
  recurringSchedules: z.array(ExportedRecurringSchedule),
});

/** A message as ingest accepted it. */
export const ExportedMessage = z.strictObject({
  messageId: MessageId,
  acceptedAt: Timestamp,
  source: z.string(),
  recipient: JsonObject,
  messageType: z.string().nullable(),
  channels: z.array(Channel).nullable(),
  channelPolicy: z.string().nullable(),
  priority: z.string().nullable(),
  content: JsonObject,
  sendAt: Timestamp.nullable(),
});

/** Ingest's answer to GET /internal/tenants/{tenantId}/recipients/{recipientId}/messages: oldest first. */
export const IngestMessageExportPage = z.strictObject({
  messages: z.array(ExportedMessage),
  nextCursor: z.string().nullable(),
});

/** What the router decided for one message, and when it was deferred or cancelled. */
export const ExportedRouting = z.strictObject({
  messageId: MessageId,
  decision: z
    .strictObject({
      decision: z.string(),
      rule: z.string().nullable(),
      reason: z.string().nullable(),
      channel: z.string().nullable(),
      address: z.string().nullable(),
      decidedAt: Timestamp,
    })
    .nullable(),
  deferredUntil: Timestamp.nullable(),
  releasedAt: Timestamp.nullable(),
  cancelledAt: Timestamp.nullable(),
});

/** The router's answer to GET /internal/tenants/{tenantId}/message-routing?ids=...: only the messages it knows. */
export const RouterRoutingExport = z.strictObject({ messages: z.array(ExportedRouting) });

export const ExportedTimeline = z.strictObject({
  messageId: MessageId,
  status: DeliveryEventType,
  timeline: z.array(MessageTimelineEntry),
});

/**
 * Analytics' answer to GET /internal/tenants/{tenantId}/message-timelines?ids=...: the timelines of
 * the messages it knows, and the events of those messages parked as dead letters (their payloads
 * hold the message as it was published).
 */
export const AnalyticsTimelineExport = z.strictObject({
  messages: z.array(ExportedTimeline),
  deadLetters: z.array(DeadLetterView),
});

/** The in-app sender's answer to GET /internal/tenants/{tenantId}/recipients/{recipientId}/inbox: oldest first. */
export const InboxExportPage = z.strictObject({
  items: z.array(InboxItem),
  nextCursor: z.string().nullable(),
});

/** One message in the export: what was accepted, how it was routed, and every step that followed. */
export const RecipientExportMessage = ExportedMessage.extend({
  routing: ExportedRouting.omit({ messageId: true }).nullable(),
  /** null: analytics has no event of the message yet. */
  status: DeliveryEventType.nullable(),
  timeline: z.array(MessageTimelineEntry),
  deadLetters: z.array(DeadLetterView),
});

/** An audit log entry about the person: a call naming their recipient id or one of their addresses. */
export const RecipientExportAuditEntry = z.strictObject({
  id: z.uuid(),
  sequence: z.number().int(),
  recordedAt: z.string(),
  actorType: z.string(),
  actorId: z.string().nullable(),
  action: z.string(),
  target: z.string(),
  status: z.number().int(),
});

/** A part the gateway was not configured to ask: the document says so rather than leave it out silently. */
export const RecipientExportOmission = z.strictObject({ section: z.string(), reason: z.string() });

/**
 * The document GET /v1/recipients/{recipientId}/export streams, its keys in this order. `complete`
 * is last and always true: a failure after the first byte cuts the response, so a document without
 * it is a broken download, never a shorter export.
 */
export const RecipientExportDocument = z.strictObject({
  format: z.literal('switchboard.recipient-export.v1'),
  tenantId: TenantId,
  recipientId: RecipientId,
  exportedAt: Timestamp,
  omitted: z.array(RecipientExportOmission),
  profile: RecipientView.nullable(),
  preferences: RecipientPreferences.nullable(),
  suppressions: z.array(SuppressionView),
  recurringSchedules: z.array(ExportedRecurringSchedule),
  messages: z.array(RecipientExportMessage),
  inbox: z.array(InboxItem),
  auditEntries: z.array(RecipientExportAuditEntry),
  complete: z.literal(true),
});

export type ExportPageQuery = z.infer<typeof ExportPageQuery>;
export type ExportMessageIdsQuery = z.infer<typeof ExportMessageIdsQuery>;
export type ExportedRecurringSchedule = z.infer<typeof ExportedRecurringSchedule>;
export type RouterRecipientExport = z.infer<typeof RouterRecipientExport>;
export type ExportedMessage = z.infer<typeof ExportedMessage>;
export type IngestMessageExportPage = z.infer<typeof IngestMessageExportPage>;
export type ExportedRouting = z.infer<typeof ExportedRouting>;
export type RouterRoutingExport = z.infer<typeof RouterRoutingExport>;
export type ExportedTimeline = z.infer<typeof ExportedTimeline>;
export type AnalyticsTimelineExport = z.infer<typeof AnalyticsTimelineExport>;
export type InboxExportPage = z.infer<typeof InboxExportPage>;
export type RecipientExportMessage = z.infer<typeof RecipientExportMessage>;
export type RecipientExportAuditEntry = z.infer<typeof RecipientExportAuditEntry>;
export type RecipientExportOmission = z.infer<typeof RecipientExportOmission>;
export type RecipientExportDocument = z.infer<typeof RecipientExportDocument>;
