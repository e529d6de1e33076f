import type { Logger } from '@nestjs/common';
import type { ValidationProblem } from '@switchboard/contracts';
import type { SnsMessage, SnsRejectionReason } from '@switchboard/security';
import type { ReceivedSnsMessages, SnsMessageVerification, SnsSubscriptionConfirmer } from './receipt-ports';
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

type SnsNotification = Extract<SnsMessage, { Type: 'Notification' }>;

/** What every SNS route of the gateway answers besides its own notifications' outcomes. */
export type SnsUpkeepOutcome =
  | SubscriptionConfirmationOutcome
  | { outcome: 'unsubscribe-noted'; topicArn: string }
  | { outcome: 'rejected'; reason: SnsRejectionReason; detail: string; problems?: ValidationProblem[] };

export interface SnsRoute<Outcome> {
  verification: SnsMessageVerification;
  receivedMessages: ReceivedSnsMessages;
  subscriptions: SnsSubscriptionConfirmer;
  logger: Logger;
  /** Names the route in the warning about a rejected message, e.g. 'SNS message'. */
  subject: string;
  /** The route's own work on a genuine notification; an outcome 'rejected' is not remembered. */
  onNotification(message: SnsNotification): Promise<Outcome>;
}

/**
 * One POST from an SNS subscription: verified, then a notification handed to the route, a
 * subscription confirmed or an unsubscribe noted, and the message id remembered only once that is
 * done, so that a failure answers 5xx and SNS's retry is handled afresh.
 */
export async function receiveSnsPost<Outcome extends { outcome: string }>(
  body: unknown,
  route: SnsRoute<Outcome>,
): Promise<Outcome | SnsUpkeepOutcome> {
  const verification = await route.verification.verify(body);
  if (!verification.accepted) {
    const { reason, detail, problems } = verification;
    route.logger.warn(`${route.subject} rejected: ${reason}`, { reason, detail });
    return { outcome: 'rejected', reason, detail, ...(problems === undefined ? {} : { problems }) };
  }
  const message = verification.notification;
  const outcome = await handleSnsMessage(message, route);
  if (outcome.outcome !== 'rejected')
    await rememberHandledSnsMessage(message, route.receivedMessages, route.logger);
  return outcome;
}

function handleSnsMessage<Outcome>(
  message: SnsMessage,
  route: SnsRoute<Outcome>,
): Promise<Outcome | SnsUpkeepOutcome> {
  switch (message.Type) {
    case 'Notification':
      return route.onNotification(message);
    case 'SubscriptionConfirmation':
      return confirmSnsSubscription(message, route.subscriptions, route.logger);
    case 'UnsubscribeConfirmation':
      route.logger.log(`SNS subscription to ${message.TopicArn} was unsubscribed`, {
        topicArn: message.TopicArn,
        snsMessageId: message.MessageId,
      });
      return Promise.resolve({ outcome: 'unsubscribe-noted', topicArn: message.TopicArn });
  }
}
