import { randomUUID } from 'node:crypto';
import {
  EmailDispatchTopics,
  MessageRequestedTopic,
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

  it('accepts a template send with defaults filled in', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'ada@example.com' },
      content: { templateKey: 'welcome', data: { name: 'Ada' } },
    });
    expect(result).toEqual({
      ok: true,
      value: {
        recipient: { email: 'ada@example.com' },
        content: { templateKey: 'welcome', data: { name: 'Ada' } },
        priority: 'normal',
      },
    });
  });

  it('refuses an inline message with neither text nor html', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'ada@example.com' },
      content: { subject: 'Hi' },
    });
    expect(result.ok).toBe(false);
  });

  it('keys events by tenant and recipient so one recipient stays in order', () => {
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
    expect(MessageRequestedTopic.key(payload)).toBe('acme:ada@example.com');
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
    const bad = validate(UpstreamEvent, { type: '', tenant: 'acme corp', recipient: {} });
    expect(bad.ok ? [] : bad.problems.map((problem) => problem.field)).toEqual(
      expect.arrayContaining(['type', 'tenant', 'recipient.email']),
    );
  });
});

describe('validate', () => {
  it('names each unknown field by its own path', () => {
    const result = validate(SendMessageRequest, {
      recipient: { email: 'ada@example.com', phone: '+44' },
      content: { subject: 'Hi', text: 'Hello' },
      colour: 'blue',
    });
    expect(result).toEqual({
      ok: false,
      problems: expect.arrayContaining([
        { field: 'recipient.phone', problem: 'is not a known field' },
        { field: 'colour', problem: 'is not a known field' },
      ]),
    });
  });
});
