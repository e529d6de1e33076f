import { z } from 'zod';
import { Timestamp } from '../../common';
import { defineTopic } from '../../topic-contract';

/**
 * What the email provider reported after a send (SES through an SNS subscription), verified by
 * the gateway. It names the provider's message id: the email sender maps it to the message, and
 * the router finds the address from its own decision for that message, as every email has one
 * recipient. So no address travels on the topic.
 */
export const EmailReceipt = z.strictObject({
  provider: z.string().min(1).max(64),
  providerMessageId: z.string().min(1).max(256),
  /** The notification's own id, so a receipt delivered twice is recorded once. */
  notificationId: z.string().min(1).max(256),
  type: z.enum(['delivery', 'bounce', 'complaint']),
  bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']).optional(),
  /**
   * No longer sent: the addresses the receipt was about. Receipts recorded before may carry it, so
   * it is still accepted; nothing reads it.
   */
  recipients: z.array(z.email()).min(1).optional(),
  occurredAt: Timestamp,
  /** The provider's own words (diagnostic code, complaint feedback type), for the timeline. */
  detail: z.string().max(2000).optional(),
});
export type EmailReceipt = z.infer<typeof EmailReceipt>;

export const EmailReceiptTopic = defineTopic({
  topic: 'sb.receipts.email.v1',
  schemaName: 'EmailReceipt',
  schemaVersion: 1,
  schema: EmailReceipt,
  key: (payload) => payload.providerMessageId,
});
