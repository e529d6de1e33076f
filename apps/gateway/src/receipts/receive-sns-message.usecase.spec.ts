import type { EmailReceipt } from '@switchboard/contracts';
import type { SnsMessage, SnsVerificationResult } from '@switchboard/security';
import {
  EmailReceiptPublisher,
  ReceivedSnsMessages,
  SnsMessageVerification,
  SnsSubscriptionConfirmer,
} from './receipt-ports';
import { ReceiveSnsMessage } from './receive-sns-message.usecase';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-receipts';
const signature = { SignatureVersion: '2' as const, Signature: 'c2lnbmVk', SigningCertURL: 'https://x' };

const bounce = JSON.stringify({
  notificationType: 'Bounce',
  mail: { messageId: 'ses-1', timestamp: '2026-03-02T12:00:00.000Z' },
  bounce: {
    bounceType: 'Transient',
    bounceSubType: 'MailboxFull',
    bouncedRecipients: [{ emailAddress: 'ada@example.com' }],
    timestamp: '2026-03-02T12:00:05.000Z',
  },
});

function notification(message: string, messageId = 'sns-1'): SnsMessage {
  return {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: TOPIC,
    Message: message,
    Timestamp: '2026-03-02T12:00:06.000Z',
    ...signature,
  };
}

function confirmation(
  subscribeUrl: string,
  type: 'SubscriptionConfirmation' | 'UnsubscribeConfirmation' = 'SubscriptionConfirmation',
): SnsMessage {
  return {
    Type: type,
    MessageId: 'sns-2',
    TopicArn: TOPIC,
    Message: 'confirm',
    Token: 'token',
    SubscribeURL: subscribeUrl,
    Timestamp: '2026-03-02T12:00:06.000Z',
    ...signature,
  };
}

class FixedVerification extends SnsMessageVerification {
  constructor(private readonly result: SnsVerificationResult) {
    super();
  }
  verify(): Promise<SnsVerificationResult> {
    return Promise.resolve(this.result);
  }
}

class RecordingReceivedMessages extends ReceivedSnsMessages {
  readonly remembered: string[] = [];
  isNew(messageId: string): Promise<boolean> {
    return Promise.resolve(!this.remembered.includes(messageId));
  }
  remember(messageId: string): Promise<void> {
    this.remembered.push(messageId);
    return Promise.resolve();
  }
}

class RecordingPublisher extends EmailReceiptPublisher {
  readonly published: EmailReceipt[] = [];
  failure: Error | undefined;
  publish(receipt: EmailReceipt): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    this.published.push(receipt);
    return Promise.resolve();
  }
}

class RecordingConfirmer extends SnsSubscriptionConfirmer {
  readonly confirmed: string[] = [];
  confirm(subscribeUrl: string): Promise<void> {
    this.confirmed.push(subscribeUrl);
    return Promise.resolve();
  }
}

function setUp(result: SnsVerificationResult) {
  const receivedMessages = new RecordingReceivedMessages();
  const publisher = new RecordingPublisher();
  const confirmer = new RecordingConfirmer();
  const useCase = new ReceiveSnsMessage(
    new FixedVerification(result),
    receivedMessages,
    publisher,
    confirmer,
  );
  return { useCase, receivedMessages, publisher, confirmer };
}

describe('ReceiveSnsMessage', () => {
  it('publishes the EmailReceipt of a verified SES bounce, then remembers the SNS message id', async () => {
    const { useCase, receivedMessages, publisher } = setUp({
      accepted: true,
      notification: notification(bounce),
    });

    const outcome = await useCase.execute('body');

    expect(outcome).toEqual({ outcome: 'receipt-published', notificationId: 'sns-1', type: 'bounce' });
    expect(publisher.published).toEqual([
      {
        provider: 'ses',
        providerMessageId: 'ses-1',
        notificationId: 'sns-1',
        type: 'bounce',
        bounceType: 'Transient',
        occurredAt: '2026-03-02T12:00:05.000Z',
        detail: 'Transient bounce: MailboxFull',
      },
    ]);
    expect(receivedMessages.remembered).toEqual(['sns-1']);
  });

  it('does not remember the id when the publish fails, so that the retry of SNS is handled afresh', async () => {
    const { useCase, receivedMessages, publisher } = setUp({
      accepted: true,
      notification: notification(bounce),
    });
    publisher.failure = new Error('broker down');

    await expect(useCase.execute('body')).rejects.toThrow('broker down');

    expect(receivedMessages.remembered).toEqual([]);
  });

  it('returns the rejection of the verifier and does nothing else', async () => {
    const { useCase, receivedMessages, publisher } = setUp({
      accepted: false,
      reason: 'bad-signature',
      detail: 'Signature does not match the message',
    });

    const outcome = await useCase.execute('body');

    expect(outcome).toEqual({
      outcome: 'rejected',
      reason: 'bad-signature',
      detail: 'Signature does not match the message',
    });
    expect(publisher.published).toEqual([]);
    expect(receivedMessages.remembered).toEqual([]);
  });

  it('ignores a genuine notification that is not an SES receipt (the SES subscription test) and remembers it', async () => {
    const test = JSON.stringify({ notificationType: 'AmazonSnsSubscriptionSucceeded', message: 'hello' });
    const { useCase, receivedMessages, publisher } = setUp({
      accepted: true,
      notification: notification(test, 'sns-3'),
    });

    const outcome = await useCase.execute('body');

    expect(outcome).toMatchObject({ outcome: 'notification-ignored', notificationId: 'sns-3' });
    expect(publisher.published).toEqual([]);
    expect(receivedMessages.remembered).toEqual(['sns-3']);
  });

  it('publishes a receipt without the addresses it names, whatever they are', async () => {
    const odd = bounce.replace('ada@example.com', 'not an address');
    const { useCase, publisher } = setUp({ accepted: true, notification: notification(odd) });

    const outcome = await useCase.execute('body');

    expect(outcome).toMatchObject({ outcome: 'receipt-published', type: 'bounce' });
    expect(JSON.stringify(publisher.published)).not.toContain('not an address');
  });

  it('confirms a subscription by its SubscribeURL on an SNS host', async () => {
    const subscribeUrl = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=abc`;
    const { useCase, confirmer, receivedMessages } = setUp({
      accepted: true,
      notification: confirmation(subscribeUrl),
    });

    const outcome = await useCase.execute('body');

    expect(outcome).toEqual({ outcome: 'subscription-confirmed', topicArn: TOPIC });
    expect(confirmer.confirmed).toEqual([subscribeUrl]);
    expect(receivedMessages.remembered).toEqual(['sns-2']);
  });

  it('does not follow a SubscribeURL off the SNS hosts and rejects the message', async () => {
    const { useCase, confirmer, receivedMessages } = setUp({
      accepted: true,
      notification: confirmation('https://attacker.example/?Action=ConfirmSubscription'),
    });

    const outcome = await useCase.execute('body');

    expect(outcome).toMatchObject({ outcome: 'rejected', reason: 'bad-subscribe-url' });
    expect(confirmer.confirmed).toEqual([]);
    expect(receivedMessages.remembered).toEqual([]);
  });

  it('notes an UnsubscribeConfirmation without following anything', async () => {
    const { useCase, confirmer } = setUp({
      accepted: true,
      notification: confirmation(
        'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription',
        'UnsubscribeConfirmation',
      ),
    });

    const outcome = await useCase.execute('body');

    expect(outcome).toEqual({ outcome: 'unsubscribe-noted', topicArn: TOPIC });
    expect(confirmer.confirmed).toEqual([]);
  });
});
