import { randomUUID } from 'node:crypto';
import {
  EmailDispatchTopics,
  MessageRequestedTopic,
  recipientKey,
  SendMessageRequest,
  TopicContracts,
  UpstreamEvent,
  validate,
} from './index';

describe('contracts', () => {
  it('names every bad field of a send request, and rejects unknown fields', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'not-an-address' },
      content: { templateKey: 'Welcome Mail' },
      priority: 'urgent',
      colour: 'blue',
    });
    expect(result.ok).toBe(false);
    const fields = result.ok ? [] : result.problems.map((problem) => problem.field);
    expect(fields).toEqual(expect.arrayContaining(['recipient.email', 'priority', 'colour']));
    const unknown = result.ok ? undefined : result.problems.find((problem) => problem.field === 'colour');
    expect(unknown?.problem).toBe('is not a known field');
  });

  it('accepts a template send, leaving channel policy and priority to the message type', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'ada@example.com' },
      content: { templateKey: 'welcome', data: { name: 'Ada' } },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        recipient: { email: 'ada@example.com' },
        content: { templateKey: 'welcome', data: { name: 'Ada' } },
      },
    });
  });

  it('accepts a recipient known by id, by phone, or by several contact points', () => {
    for (const recipient of [
      { id: 'user-42' },
      { phone: '+14155550123' },
      { id: 'user-42', email: 'a@b.co' },
    ]) {
      const result = validate(SendMessageRequest, { recipient, content: { subject: 'Hi', text: 'Hello' } });
      expect(result).toMatchObject({ ok: true, value: { recipient } });
    }
  });

  it('refuses a recipient with no contact point at all, naming the recipient', () => {
    const result = validate(SendMessageRequest, { recipient: {}, content: { subject: 'Hi', text: 'Hello' } });
    expect(result.ok ? [] : result.problems.map((problem) => problem.field)).toEqual(['recipient']);
  });

  it('refuses a phone number that is not E.164 and a recipient id with spaces', () => {
    const result = validate(SendMessageRequest, {
      recipient: { id: 'user 42', phone: '0044 20 7946 0000' },
      content: { subject: 'Hi', text: 'Hello' },
    });
    expect(result.ok ? [] : result.problems.map((problem) => problem.field).sort()).toEqual([
      'recipient.id',
      'recipient.phone',
    ]);
  });

  it('takes channels in order of preference and a channel policy', () => {
    const result = validate(SendMessageRequest, {
      recipient: { id: 'user-42' },
      channels: ['push', 'email'],
      channelPolicy: 'all',
      content: { subject: 'Hi', text: 'Hello' },
    });
    expect(result).toMatchObject({ ok: true, value: { channels: ['push', 'email'], channelPolicy: 'all' } });
  });

  it('refuses an empty, repeating or unknown channel list and an unknown policy', () => {
    for (const channels of [[], ['email', 'email'], ['fax'], ['email', 'sms', 'push', 'inapp', 'sms']]) {
      const result = validate(SendMessageRequest, {
        recipient: { id: 'user-42' },
        channels,
        content: { subject: 'Hi', text: 'Hello' },
      });
      expect(result.ok ? [] : result.problems.map((problem) => problem.field.split('.')[0])).toContain(
        'channels',
      );
    }
    const policy = validate(SendMessageRequest, {
      recipient: { id: 'user-42' },
      channelPolicy: 'some',
      content: { subject: 'Hi', text: 'Hello' },
    });
    expect(policy.ok ? [] : policy.problems.map((problem) => problem.field)).toEqual(['channelPolicy']);
  });

  it('refuses an inline message with neither text nor html', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'ada@example.com' },
      content: { subject: 'Hi' },
    });
    expect(result.ok).toBe(false);
  });

  it('keys events by tenant and a digest of the recipient so one recipient stays in order', () => {
    const payload = {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http' as const,
      recipient: { email: 'ada@example.com' },
      content: { subject: 'Hi', text: 'Hello' },
      priority: 'normal' as const,
    };
    expect(validate(MessageRequestedTopic.schema, payload).ok).toBe(true);
    const key = MessageRequestedTopic.key(payload);
    // Pinned: a key made differently would move a recipient's events in flight to another partition.
    expect(key).toBe('acme:tfyF5VdV-eDQMKEKtEKbaw');
    expect(MessageRequestedTopic.key({ ...payload, messageId: randomUUID() })).toBe(key);
    expect(MessageRequestedTopic.key({ ...payload, recipient: { email: 'grace@example.com' } })).not.toBe(
      key,
    );
    expect(MessageRequestedTopic.key({ ...payload, tenantId: 'globex' })).toMatch(/^globex:/);
  });

  it('keeps addresses and recipient ids out of record keys', () => {
    for (const recipient of ['ada@example.com', '+14155550123', 'user-42']) {
      const key = recipientKey('acme', recipient);
      expect(key).toMatch(/^acme:[A-Za-z0-9_-]{22}$/);
      expect(key).not.toContain(recipient);
    }
    expect(recipientKey('acme', 'ada@example.com')).not.toContain('ada');
  });

  it('keys a message by recipient id first, then email, then phone', () => {
    const payload = {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      source: 'http' as const,
      content: { subject: 'Hi', text: 'Hello' },
      priority: 'normal' as const,
    };
    const byId = MessageRequestedTopic.key({ ...payload, recipient: { id: 'user-42' } });
    const byEmail = MessageRequestedTopic.key({ ...payload, recipient: { email: 'ada@example.com' } });
    expect(
      MessageRequestedTopic.key({ ...payload, recipient: { id: 'user-42', email: 'ada@example.com' } }),
    ).toBe(byId);
    expect(byId).not.toBe(byEmail);
    expect(
      MessageRequestedTopic.key({
        ...payload,
        recipient: { email: 'ada@example.com', phone: '+14155550123' },
      }),
    ).toBe(byEmail);
    expect(MessageRequestedTopic.key({ ...payload, recipient: { phone: '+14155550123' } })).toBe(
      recipientKey('acme', '+14155550123'),
    );
  });

  it('versions every topic name and maps each to its own contract', () => {
    for (const [topic, contract] of Object.entries(TopicContracts)) {
      expect(topic).toMatch(/^sb\.[a-z0-9.]+\.v\d+$/);
      expect(contract.topic).toBe(topic);
    }
    expect(Object.values(EmailDispatchTopics).map((contract) => contract.topic)).toEqual([
      'sb.dispatch.email.high.v1',
      'sb.dispatch.email.normal.v1',
      'sb.dispatch.email.bulk.v1',
    ]);
  });

  it('validates the upstream envelope', () => {
    expect(
      validate(UpstreamEvent, { type: 'order.shipped', tenant: 'acme', recipient: { email: 'a@b.co' } }).ok,
    ).toBe(true);
    expect(
      validate(UpstreamEvent, { type: 'order.shipped', tenant: 'acme', recipient: { id: 'user-42' } }).ok,
    ).toBe(true);
    const bad = validate(UpstreamEvent, { type: '', tenant: 'acme corp', recipient: {} });
    expect(bad.ok ? [] : bad.problems.map((problem) => problem.field)).toEqual(
      expect.arrayContaining(['type', 'tenant', 'recipient']),
    );
  });
});

describe('validate', () => {
  it('names each unknown field by its own path', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'ada@example.com', fax: '+44' },
      content: { subject: 'Hi', text: 'Hello' },
      colour: 'blue',
    });
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { field: 'recipient.fax', problem: 'is not a known field' },
        { field: 'colour', problem: 'is not a known field' },
      ]),
    });
  });
});
