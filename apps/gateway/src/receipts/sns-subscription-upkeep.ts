import type { Logger } from '@nestjs/common';
import type { SnsMessage } from '@switchboard/security';
import type { ReceivedSnsMessages, SnsSubscriptionConfirmer } from './receipt-ports';
import { checkSubscribeUrl } from './subscribe-url';

type SubscriptionConfirmation = Extract<SnsMessage, { Type: 'SubscriptionConfirmation' }>;

export type SubscriptionConfirmationOutcome =
  | { outcome: 'subscription-confirmed'; topicArn: string }
  | { outcome: 'rejected'; reason: 'bad-subscribe-url'; detail: string };

/** Follows a SubscriptionConfirmation's SubscribeURL, when it is an SNS URL (every SNS route of the gateway). */
export async function confirmSnsSubscription(
  message: SubscriptionConfirmation,
  subscriptions: SnsSubscriptionConfirmer,
  logger: Logger,
): Promise<SubscriptionConfirmationOutcome> {
  const subscribeUrl = checkSubscribeUrl(message.SubscribeURL);
  if (!subscribeUrl.ok) {
    const detail = `SubscribeURL ${subscribeUrl.problem}`;
    logger.warn('SNS SubscriptionConfirmation not followed: its SubscribeURL is not an SNS URL', {
      topicArn: message.TopicArn,
      snsMessageId: message.MessageId,
      detail,
    });
    return { outcome: 'rejected', reason: 'bad-subscribe-url', detail };
  }
  await subscriptions.confirm(subscribeUrl.url);
  logger.log(`SNS subscription to ${message.TopicArn} confirmed`, {
    topicArn: message.TopicArn,
    snsMessageId: message.MessageId,
  });
  return { outcome: 'subscription-confirmed', topicArn: message.TopicArn };
}

/**
 * Remembers a handled SNS message id so that a replay is refused. Its work is done and must not be
 * retried for this: when remembering fails, a replay is handled again (a repeat, never a loss).
 */
export async function rememberHandledSnsMessage(
  message: SnsMessage,
  receivedMessages: ReceivedSnsMessages,
  logger: Logger,
): Promise<void> {
  try {
    await receivedMessages.remember(message.MessageId);
  } catch (error) {
    logger.warn('handled SNS message could not be remembered; a replay would be handled again', {
      snsMessageId: message.MessageId,
      error: String(error),
    });
  }
}
