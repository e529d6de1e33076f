import type { SnsMessage, SnsVerificationResult } from '@switchboard/security';
import {
  ReceivedSnsMessages,
  SnsMessageVerification,
  SnsSubscriptionConfirmer,
} from '../receipts/receipt-ports';
import { ReceiveSmsReply } from './receive-sms-reply.usecase';
import { SmsReplySuppressions } from './sms-reply-ports';

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:sms-replies';
const signature = { SignatureVersion: '2' as const, Signature: 'c2lnbmVk', SigningCertURL: 'https://x' };

function reply(body: string, originationNumber = '+447700900123', messageId = 'sns-1'): SnsMessage {
  return {
    Type: 'Notification',
    MessageId: messageId,
    TopicArn: TOPIC,
    Message: JSON.stringify({
      originationNumber,
      destinationNumber: '+447700900000',
      messageKeyword: body.trim().toUpperCase(),
      messageBody: body,
      inboundMessageId: 'inbound-1',
      previousPublishedMessageId: 'published-1',
    }),
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

/** The suppression list as a set of tenant + number, with the one suppression a bounce added. */
class SetSuppressions extends SmsReplySuppressions {
  readonly stopped = new Set<string>();
  failure: Error | undefined;
  optOut(tenantId: string, phoneNumber: string): Promise<{ created: boolean }> {
    if (this.failure) return Promise.reject(this.failure);
    const key = `${tenantId} ${phoneNumber}`;
    const created = !this.stopped.has(key);
    this.stopped.add(key);
    return Promise.resolve({ created });
  }
  optIn(tenantId: string, phoneNumber: string): Promise<{ lifted: boolean }> {
    return Promise.resolve({ lifted: this.stopped.delete(`${tenantId} ${phoneNumber}`) });
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
  const received = new RecordingReceivedMessages();
  const suppressions = new SetSuppressions();
  const confirmer = new RecordingConfirmer();
  const receive = new ReceiveSmsReply(
    new FixedVerification(result),
    received,
    suppressions,
    confirmer,
    (topicArn) => (topicArn === TOPIC ? 'acme' : undefined),
  );
  return { receive, received, suppressions, confirmer };
}

describe('ReceiveSmsReply', () => {
  it('opts the replying number out of the tenant’s SMS on STOP, and remembers the message', async () => {
    const { receive, received, suppressions } = setUp({ accepted: true, notification: reply(' stop ') });

    expect(await receive.execute('body')).toEqual({
      outcome: 'opted-out',
      snsMessageId: 'sns-1',
      created: true,
    });
    expect([...suppressions.stopped]).toEqual(['acme +447700900123']);
    expect(received.remembered).toEqual(['sns-1']);
  });

  it('reads the Chinese 退订 as STOP, and a national number in the country replied to', async () => {
    const { receive, suppressions } = setUp({ accepted: true, notification: reply('退订', '07700900123') });

    expect(await receive.execute('body')).toMatchObject({ outcome: 'opted-out' });
    expect([...suppressions.stopped]).toEqual(['acme +447700900123']);
  });

  it('lifts the number’s STOP on START', async () => {
    const { receive, suppressions } = setUp({ accepted: true, notification: reply('START') });
    suppressions.stopped.add('acme +447700900123');

    expect(await receive.execute('body')).toEqual({
      outcome: 'opted-in',
      snsMessageId: 'sns-1',
      lifted: true,
    });
    expect(suppressions.stopped.size).toBe(0);
  });

  it('ignores any other reply, remembering it so that a redelivery is refused', async () => {
    const { receive, received, suppressions } = setUp({ accepted: true, notification: reply('STOP please') });

    expect(await receive.execute('body')).toEqual({
      outcome: 'reply-ignored',
      snsMessageId: 'sns-1',
      reason: 'no-keyword',
    });
    expect(suppressions.stopped.size).toBe(0);
    expect(received.remembered).toEqual(['sns-1']);
  });

  it('ignores a STOP from a number it cannot read', async () => {
    const { receive, suppressions } = setUp({ accepted: true, notification: reply('STOP', 'unknown') });

    expect(await receive.execute('body')).toMatchObject({ reason: 'unreadable-number' });
    expect(suppressions.stopped.size).toBe(0);
  });

  it('ignores a notification that is not an inbound SMS', async () => {
    const notification = { ...reply('STOP'), Message: JSON.stringify({ notificationType: 'Bounce' }) };
    const { receive } = setUp({ accepted: true, notification });

    expect(await receive.execute('body')).toMatchObject({
      outcome: 'reply-ignored',
      reason: 'not-an-inbound-sms',
    });
  });

  it('does not remember a message whose opt-out failed, so that SNS’s retry is handled afresh', async () => {
    const { receive, received, suppressions } = setUp({ accepted: true, notification: reply('STOP') });
    suppressions.failure = new Error('router unavailable');

    await expect(receive.execute('body')).rejects.toThrow('router unavailable');
    expect(received.remembered).toEqual([]);
  });

  it('passes a refused message on with its reason, changing nothing', async () => {
    const { receive, received, suppressions } = setUp({
      accepted: false,
      reason: 'bad-signature',
      detail: 'the signature does not verify',
    });

    expect(await receive.execute('body')).toMatchObject({ outcome: 'rejected', reason: 'bad-signature' });
    expect(suppressions.stopped.size).toBe(0);
    expect(received.remembered).toEqual([]);
  });

  it('confirms a subscription only at an Amazon SNS URL', async () => {
    const subscribeUrl = `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${TOPIC}&Token=t`;
    const confirmation: SnsMessage = {
      Type: 'SubscriptionConfirmation',
      MessageId: 'sns-2',
      TopicArn: TOPIC,
      Message: 'confirm',
      Token: 't',
      SubscribeURL: subscribeUrl,
      Timestamp: '2026-03-02T12:00:06.000Z',
      ...signature,
    };
    const genuine = setUp({ accepted: true, notification: confirmation });
    const elsewhere = setUp({
      accepted: true,
      notification: { ...confirmation, SubscribeURL: 'https://attacker.example/?Action=ConfirmSubscription' },
    });

    expect(await genuine.receive.execute('body')).toEqual({
      outcome: 'subscription-confirmed',
      topicArn: TOPIC,
    });
    expect(new URL(genuine.confirmer.confirmed[0]).hostname).toBe('sns.eu-west-1.amazonaws.com');
    expect(await elsewhere.receive.execute('body')).toMatchObject({
      outcome: 'rejected',
      reason: 'bad-subscribe-url',
    });
    expect(elsewhere.confirmer.confirmed).toEqual([]);
  });
});
