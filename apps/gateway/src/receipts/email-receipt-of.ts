import { EmailReceipt, validate, type Validated } from '@switchboard/contracts';
import type { SesReceipt } from '@switchboard/security';

const DETAIL_MAX_LENGTH = 2000;

/**
 * The EmailReceipt event for an SES receipt carried by the SNS message `notificationId`. Checked
 * against the contract here, so that a receipt the contract cannot carry is a named problem rather
 * than a publish failure that SNS would retry in vain. The receipt's addresses stay here: every
 * email has one recipient, whom the router finds from its own decision for the message.
 */
export function emailReceiptOf(receipt: SesReceipt, notificationId: string): Validated<EmailReceipt> {
  const common = {
    provider: 'ses',
    providerMessageId: receipt.providerMessageId,
    notificationId,
    occurredAt: receipt.occurredAt.toISOString(),
  };
  switch (receipt.notificationType) {
    case 'Bounce':
      return validate(EmailReceipt, {
        ...common,
        type: 'bounce',
        bounceType: receipt.bounceType,
        detail: `${receipt.bounceType} bounce: ${receipt.bounceSubType}`.slice(0, DETAIL_MAX_LENGTH),
      });
    case 'Complaint':
      return validate(EmailReceipt, {
        ...common,
        type: 'complaint',
        ...(receipt.complaintFeedbackType === undefined
          ? {}
          : { detail: `complaint: ${receipt.complaintFeedbackType}`.slice(0, DETAIL_MAX_LENGTH) }),
      });
    case 'Delivery':
      return validate(EmailReceipt, { ...common, type: 'delivery' });
  }
}
