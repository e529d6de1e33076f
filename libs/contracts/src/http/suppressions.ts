import { z } from 'zod';
import { Channel, Timestamp } from '../common';

/** Body of the router's internal POST /internal/tenants/{tenantId}/suppressions. */
export const CreateSuppressionRequest = z.strictObject({
  channel: Channel,
  /** An email address, phone number or device token, as the channel addresses people. */
  address: z.string().trim().min(1).max(320),
  reason: z.string().trim().min(1).max(500),
});

/** A suppressed address: the router skips every message to it on that channel. */
export const SuppressionView = z.strictObject({
  channel: Channel,
  address: z.string(),
  reason: z.string(),
  createdAt: Timestamp,
});

export type CreateSuppressionRequest = z.infer<typeof CreateSuppressionRequest>;
export type SuppressionView = z.infer<typeof SuppressionView>;
