import { randomUUID } from 'node:crypto';
import {
  contractFor,
  EmailChannelTopics,
  EmailDispatchTopics,
  InappChannelTopics,
  PushChannelTopics,
  recipientKey,
  RETRY_TIERS,
  SmsChannelTopics,
  TopicContracts,
  UpsertRecipientRequest,
  validate,
} from './index';

describe('channel contracts', () => {
  it('gives every channel three lanes and four retry tiers, all in the topic map', () => {
    for (const [channel, topics] of [
      ['email', EmailChannelTopics],
      ['sms', SmsChannelTopics],
      ['push', PushChannelTopics],
      ['inapp', InappChannelTopics],
    ] as const) {
      const names = [...Object.values(topics.lanes), ...Object.values(topics.retries)].map(
        (contract) => contract.topic,
      );
      expect(names).toEqual([
        `sb.dispatch.${channel}.high.v1`,
        `sb.dispatch.${channel}.normal.v1`,
        `sb.dispatch.${channel}.bulk.v1`,
        ...RETRY_TIERS.map((tier) => `sb.retry.${channel}.${tier}.v1`),
      ]);
      for (const name of names) expect(Object.keys(TopicContracts)).toContain(name);
    }
    expect(contractFor('sb.retry.sms.10s.v1')).toBe(SmsChannelTopics.retries['10s']);
    expect(EmailDispatchTopics.high).toBe(EmailChannelTopics.lanes.high);
  });

  it('names each bad field of an SMS dispatch', () => {
    const result = validate(SmsChannelTopics.lanes.normal.schema, {
      tenantId: 'acme',
      messageId: randomUUID(),
      to: '0044 20 7946 0000',
      text: '',
      senderId: 'Far-too-long-sender',
    });
    const fields = result.ok ? [] : result.problems.map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['to', 'text', 'senderId']));
  });

  it('keys an SMS by tenant and a digest of the number, and defaults to a transactional SMS', () => {
    const result = validate(SmsChannelTopics.lanes.high.schema, {
      tenantId: 'acme',
      messageId: randomUUID(),
      to: '+14155550123',
      text: 'Your code is 123456',
    });
    expect(result.ok && result.value.smsType).toBe('Transactional');
    const key = result.ok ? SmsChannelTopics.lanes.high.key(result.value) : '';
    expect(key).toBe(recipientKey('acme', '+14155550123'));
    expect(key).not.toContain('4155550123');
  });

  it('keys push and in-app dispatches by tenant and recipient id', () => {
    const push = validate(PushChannelTopics.lanes.normal.schema, {
      tenantId: 'acme',
      messageId: randomUUID(),
      recipientId: 'user-42',
      subscriptions: [{ endpoint: 'https://push.example.com/abc', keys: { p256dh: 'BK', auth: 'x' } }],
      notification: { title: 'Hi', body: 'There' },
    });
    expect(push.ok && push.value.ttlSeconds).toBe(86_400);
    expect(push.ok && PushChannelTopics.lanes.normal.key(push.value)).toBe(recipientKey('acme', 'user-42'));

    const inapp = validate(InappChannelTopics.lanes.normal.schema, {
      tenantId: 'acme',
      messageId: randomUUID(),
      recipientId: 'user 42',
      title: 'Hi',
      body: 'There',
    });
    expect(inapp.ok ? [] : inapp.problems.map((problem) => problem.field)).toEqual(['recipientId']);
  });

  it('refuses a recipient phone number that is not E.164', () => {
    const result = validate(UpsertRecipientRequest, { phone: '415-555-0123', email: null });
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toEqual(['phone']);
  });
});
