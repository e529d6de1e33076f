import { validate } from '../validation';
import { MessageStatusView } from './message-status';
import { BatchItemResult, MAX_MESSAGES_PER_BATCH, SendMessageBatchRequest } from './messages';
import { CreateTemplateRequest, CreateTemplateVersionRequest, TemplateView } from './templates';

const fieldsOf = (result: ReturnType<typeof validate>) =>
  result.ok ? [] : result.problems.map((p) => p.field);

describe('HTTP contracts', () => {
  it('CreateTemplateRequest defaults the channel to email and names bad fields', () => {
    const valid = validate(CreateTemplateRequest, {
      key: 'welcome',
      name: 'Welcome',
      subject: 'Hi {{name}}',
      mjml: '<mjml></mjml>',
    });
    expect(valid).toEqual({ ok: true, value: expect.objectContaining({ channel: 'email' }) });

    const invalid = validate(CreateTemplateRequest, {
      key: 'Not A Key',
      name: '',
      subject: 'x',
      mjml: 'y',
      sms: 1,
    });
    expect(fieldsOf(invalid)).toEqual(expect.arrayContaining(['key', 'name', 'sms']));
  });

  it('CreateTemplateVersionRequest takes the channel parts of a version, and no template fields such as name', () => {
    expect(validate(CreateTemplateVersionRequest, { subject: 's', mjml: 'm' }).ok).toBe(true);
    expect(validate(CreateTemplateVersionRequest, { subject: 's', mjml: 'm', name: 'n' }).ok).toBe(false);
  });

  it('TemplateView accepts a template with or without its versions', () => {
    const template = {
      key: 'welcome',
      name: 'Welcome',
      channel: 'email',
      currentVersion: 2,
      createdAt: '2026-03-01T12:00:00.000Z',
    };
    expect(validate(TemplateView, template).ok).toBe(true);
    const versions = [{ version: 1, subject: 's', mjml: 'm', createdAt: '2026-03-01T12:00:00.000Z' }];
    expect(validate(TemplateView, { ...template, versions }).ok).toBe(true);
  });

  it('MessageStatusView takes delivery event types as status and steps', () => {
    const view = {
      messageId: '0b7c3f9e-5d1a-4c2b-9a8e-1f2d3c4b5a69',
      tenantId: 'acme',
      status: 'failed',
      timeline: [
        { type: 'accepted', occurredAt: '2026-03-01T12:00:00.000Z', source: 'gateway' },
        { type: 'failed', occurredAt: '2026-03-01T12:00:01.000Z', source: 'sender-email', reason: 'bounced' },
      ],
    };
    expect(validate(MessageStatusView, view).ok).toBe(true);
    expect(fieldsOf(validate(MessageStatusView, { ...view, status: 'lost' }))).toEqual(['status']);
  });

  it('SendMessageBatchRequest takes 1 to 1,000 items, each checked later on its own', () => {
    expect(validate(SendMessageBatchRequest, { messages: [{ anything: true }] }).ok).toBe(true);
    expect(fieldsOf(validate(SendMessageBatchRequest, { messages: [] }))).toEqual(['messages']);
    const tooMany = { messages: Array(MAX_MESSAGES_PER_BATCH + 1).fill({}) };
    expect(fieldsOf(validate(SendMessageBatchRequest, tooMany))).toEqual(['messages']);
  });

  it('BatchItemResult is accepted with a message id or rejected with problems', () => {
    const accepted = { index: 0, status: 'accepted', messageId: '0b7c3f9e-5d1a-4c2b-9a8e-1f2d3c4b5a69' };
    const rejected = {
      index: 1,
      status: 'rejected',
      problems: [{ field: 'recipient.email', problem: 'bad' }],
    };
    expect(validate(BatchItemResult, accepted).ok).toBe(true);
    expect(validate(BatchItemResult, rejected).ok).toBe(true);
    expect(validate(BatchItemResult, { index: 1, status: 'rejected', problems: [] }).ok).toBe(false);
  });
});
