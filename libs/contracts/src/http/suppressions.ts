import { z } from 'zod';
import { Channel, Timestamp } from '../common';
import { CategoryName } from './sending-policy';

export const MAX_SUPPRESSION_PAGE_SIZE = 200;

/** What put an address on the list: a tenant's call, a provider's receipt, or the person themselves. */
export const SuppressionSource = z.enum(['api', 'bounce', 'complaint', 'sms-reply', 'unsubscribe']);

/** An email address, phone number or device token, as the channel addresses people. */
const SuppressedAddress = z.string().trim().min(1).max(320);

/** Body of POST /v1/suppressions. */
export const CreateSuppressionRequest = z.strictObject({
  channel: Channel,
  address: SuppressedAddress,
  reason: z.string().trim().min(1).max(500),
  /** Only messages of this category are suppressed; without one, every category is. */
  category: CategoryName.optional(),
});

/**
 * Body of the router's internal POST /internal/tenants/{tenantId}/suppressions: the public body
 * and what added it, which only the platform itself states (a tenant's call is `api`).
 */
export const AddSuppressionRequest = CreateSuppressionRequest.extend({
  source: SuppressionSource.default('api'),
});

/** A suppressed address: the router skips messages to it on that channel (of its category, if it has one). */
export const SuppressionView = z.strictObject({
  channel: Channel,
  address: z.string(),
  reason: z.string(),
  /** null: every category. */
  category: CategoryName.nullable(),
  source: SuppressionSource,
  createdAt: Timestamp,
});

/** Query of GET /v1/suppressions: the tenant's suppressions, newest first. */
export const ListSuppressionsQuery = z.strictObject({
  channel: Channel.optional(),
  /** Only this address, compared without regard to case. */
  address: SuppressedAddress.optional(),
  limit: z.coerce.number().int().min(1).max(MAX_SUPPRESSION_PAGE_SIZE).default(50),
  /** nextCursor of the previous page. */
  cursor: z.string().min(1).max(200).optional(),
});

export const SuppressionPage = z.strictObject({
  items: z.array(SuppressionView),
  nextCursor: z.string().nullable(),
});

/** Path of DELETE /v1/suppressions/{channel}/{address}. */
export const SuppressionPath = z.strictObject({
  channel: Channel,
  address: SuppressedAddress,
});

/** Query of DELETE /v1/suppressions/{channel}/{address}: without a category, the suppression of every category. */
export const DeleteSuppressionQuery = z.strictObject({
  category: CategoryName.optional(),
});

/**
 * Query of the router's internal DELETE: also narrowed to a source, so that an SMS START removes
 * the person's own STOP and never a bounce.
 */
export const RemoveSuppressionQuery = DeleteSuppressionQuery.extend({
  source: SuppressionSource.optional(),
});

export type SuppressionSourceName = z.infer<typeof SuppressionSource>;
export type CreateSuppressionRequest = z.infer<typeof CreateSuppressionRequest>;
export type AddSuppressionRequest = z.infer<typeof AddSuppressionRequest>;
export type SuppressionView = z.infer<typeof SuppressionView>;
export type ListSuppressionsQuery = z.infer<typeof ListSuppressionsQuery>;
export type SuppressionPage = z.infer<typeof SuppressionPage>;
export type SuppressionPath = z.infer<typeof SuppressionPath>;
export type DeleteSuppressionQuery = z.infer<typeof DeleteSuppressionQuery>;
export type RemoveSuppressionQuery = z.infer<typeof RemoveSuppressionQuery>;
