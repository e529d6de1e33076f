import { z } from 'zod';
import { MessageId, RecipientId, TenantId, Timestamp } from '../../common';
import { defineTopic } from '../../topic-contract';

export const ErasureId = z.uuid();

/**
 * A person to forget (GDPR art. 17, CCPA deletion): every service that holds their personal data
 * deletes it, or nulls its personal fields, and confirms. No personal data beyond the tenant's id
 * for the person, which the topic keeps as long as it keeps any record.
 */
export const RecipientErasureRequested = z.strictObject({
  erasureId: ErasureId,
  tenantId: TenantId,
  recipientId: RecipientId,
  /** The HTTP request that asked for it, to find it in the audit log. */
  requestId: z.string().min(1).max(128),
  requestedAt: Timestamp,
});
export type RecipientErasureRequested = z.infer<typeof RecipientErasureRequested>;

export const RecipientErasureTopic = defineTopic({
  topic: 'sb.recipients.erasure.v1',
  schemaName: 'RecipientErasureRequested',
  schemaVersion: 1,
  schema: RecipientErasureRequested,
  key: (payload) => `${payload.tenantId}:${payload.recipientId}`,
});

/**
 * The services that must confirm an erasure before it is complete. Analytics and the senders of
 * email, SMS and push are not among them: they hold no row keyed by the person; analytics scrubs
 * the person's messages as ingest announces them (see `messageIds`).
 */
export const ERASING_SERVICES = ['router', 'ingest', 'sender-inapp'] as const;
export const ErasingService = z.enum([...ERASING_SERVICES, 'analytics']);
export type ErasingService = z.infer<typeof ErasingService>;

/** At most this many message ids in one confirmation; more go in several. */
export const MAX_CONFIRMED_MESSAGES = 1000;

/**
 * One service's word that its part of an erasure is durable. Ingest names the messages it erased
 * (and announced on their timelines); analytics names the messages whose history it scrubbed, so
 * the gateway can tell when both lists agree.
 */
export const RecipientErasureConfirmed = z.strictObject({
  erasureId: ErasureId,
  tenantId: TenantId,
  service: ErasingService,
  confirmedAt: Timestamp,
  messageIds: z.array(MessageId).max(MAX_CONFIRMED_MESSAGES),
  /** The last confirmation of this service for this erasure: its work is done. */
  complete: z.boolean(),
  /** Rows deleted or scrubbed, by table; counts only. */
  rows: z.record(z.string().max(64), z.number().int().nonnegative()),
});
export type RecipientErasureConfirmed = z.infer<typeof RecipientErasureConfirmed>;

export const RecipientErasureConfirmedTopic = defineTopic({
  topic: 'sb.recipients.erasure.confirmed.v1',
  schemaName: 'RecipientErasureConfirmed',
  schemaVersion: 1,
  schema: RecipientErasureConfirmed,
  key: (payload) => `${payload.tenantId}:${payload.erasureId}`,
});
