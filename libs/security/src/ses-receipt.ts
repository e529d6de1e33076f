import { validate, type Validated } from '@switchboard/contracts';
import { z } from 'zod';

const timestamp = z.iso.datetime({ offset: true });

const mailSchema = z.object({
  messageId: z.string().min(1),
  timestamp,
});

const bounceSchema = z.object({
  notificationType: z.literal('Bounce'),
  mail: mailSchema,
  bounce: z.object({
    // SES also reports Undetermined when it cannot tell; it is treated like Transient by callers.
    bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
    bounceSubType: z.string().min(1),
    bouncedRecipients: z.array(z.object({ emailAddress: z.string().min(1) })).min(1),
    timestamp,
    feedbackId: z.string().optional(),
  }),
});

const complaintSchema = z.object({
  notificationType: z.literal('Complaint'),
  mail: mailSchema,
  complaint: z.object({
    complainedRecipients: z.array(z.object({ emailAddress: z.string().min(1) })).min(1),
    complaintFeedbackType: z.string().optional(),
    timestamp,
    feedbackId: z.string().optional(),
  }),
});

const deliverySchema = z.object({
  notificationType: z.literal('Delivery'),
  mail: mailSchema,
  delivery: z.object({
    recipients: z.array(z.string().min(1)).min(1),
    timestamp,
  }),
});

const sesNotificationSchema = z.discriminatedUnion('notificationType', [
  bounceSchema,
  complaintSchema,
  deliverySchema,
]);

interface SesReceiptBase {
  /** The id SES gave the email when it was sent (`mail.messageId`). */
  providerMessageId: string;
  recipients: string[];
  occurredAt: Date;
}

export type SesBounceType = 'Permanent' | 'Transient' | 'Undetermined';

/** What SES reports about a sent email, reduced to what delivery tracking needs. */
export type SesReceipt =
  | (SesReceiptBase & { notificationType: 'Bounce'; bounceType: SesBounceType; bounceSubType: string })
  | (SesReceiptBase & { notificationType: 'Complaint'; complaintFeedbackType?: string })
  | (SesReceiptBase & { notificationType: 'Delivery' });

/**
 * Parses the SES receipt carried in the `Message` of a verified SNS Notification (a JSON text).
 * Problems name the field, e.g. `bounce.bounceType`.
 */
export function parseSesReceipt(notificationMessage: string): Validated<SesReceipt> {
  let json: unknown;
  try {
    json = JSON.parse(notificationMessage);
  } catch {
    return { ok: false, problems: [{ field: 'Message', problem: 'is not JSON' }] };
  }
  const result = validate(sesNotificationSchema, json);
  if (!result.ok) return result;
  const notification = result.value;
  const providerMessageId = notification.mail.messageId;
  switch (notification.notificationType) {
    case 'Bounce':
      return {
        ok: true,
        value: {
          notificationType: 'Bounce',
          providerMessageId,
          recipients: notification.bounce.bouncedRecipients.map((recipient) => recipient.emailAddress),
          occurredAt: new Date(notification.bounce.timestamp),
          bounceType: notification.bounce.bounceType,
          bounceSubType: notification.bounce.bounceSubType,
        },
      };
    case 'Complaint':
      return {
        ok: true,
        value: {
          notificationType: 'Complaint',
          providerMessageId,
          recipients: notification.complaint.complainedRecipients.map((recipient) => recipient.emailAddress),
          occurredAt: new Date(notification.complaint.timestamp),
          ...(notification.complaint.complaintFeedbackType === undefined
            ? {}
            : { complaintFeedbackType: notification.complaint.complaintFeedbackType }),
        },
      };
    case 'Delivery':
      return {
        ok: true,
        value: {
          notificationType: 'Delivery',
          providerMessageId,
          recipients: notification.delivery.recipients,
          occurredAt: new Date(notification.delivery.timestamp),
        },
      };
  }
}
