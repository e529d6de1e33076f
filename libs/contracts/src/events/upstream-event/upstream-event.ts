import { z } from 'zod';
import { Recipient, TemplateData, TenantId } from '../../common';

/**
 * The envelope upstream systems publish on their own topics. Ingest turns one whose type
 * matches a trigger into a message; the topic names come from ingest's config.
 */
export const UpstreamEvent = z.strictObject({
  type: z.string().min(1).max(200),
  tenant: TenantId,
  recipient: Recipient,
  data: TemplateData.default({}),
  idempotencyKey: z.string().min(1).max(255).optional(),
});
export type UpstreamEvent = z.infer<typeof UpstreamEvent>;
