import { validate } from '../validation';
import { channelsOf, CreateTemplateRequest, CreateTemplateVersionRequest } from './templates';

const problemsOf = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.problems);
const fieldsOf = (result: ReturnType<typeof validate>) => problemsOf(result).map(({ field }) => field);

const sms = { text: 'Your order {{ order.number }} has shipped' };
const push = {
  title: 'Shipped',
  body: 'Order {{ order.number }}',
  url: 'https://shop.example/o/{{ order.number }}',
};
const inapp = {
  title: 'Shipped',
  body: 'Order {{ order.number }}',
  actionUrl: 'https://shop.example/orders',
};

describe('template contracts', () => {
  it('keeps an email-only body valid and makes email its channel', () => {
    const result = validate(CreateTemplateRequest, {
      key: 'welcome',
      name: 'Welcome',
      subject: 's',
      mjml: 'm',
    });
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ channel: 'email' }) });
  });

  it('takes a template without an email part, its channel the first part it has', () => {
    const result = validate(CreateTemplateRequest, { key: 'code', name: 'Code', sms, inapp });
    expect(result).toEqual({ ok: true, value: expect.objectContaining({ channel: 'inapp', sms, inapp }) });
  });

  it('lists channels in the order email, push, inapp, sms', () => {
    expect(channelsOf({ sms, inapp, push, subject: 's', mjml: 'm' })).toEqual([
      'email',
      'push',
      'inapp',
      'sms',
    ]);
    expect(channelsOf({ sms })).toEqual(['sms']);
  });

  it('refuses a template without any part, naming subject and mjml, alongside other problems', () => {
    const result = validate(CreateTemplateRequest, { key: 'Bad Key!', name: 'x', extra: 1 });
    expect(fieldsOf(result)).toEqual(expect.arrayContaining(['key', 'extra', 'subject', 'mjml']));
  });

  it('names the field of a bad part', () => {
    const result = validate(CreateTemplateVersionRequest, {
      sms: { text: '' },
      push: { title: 'x', body: 'y', url: 'javascript:alert(1)' },
      inapp: { title: 'x' },
    });
    expect(fieldsOf(result)).toEqual(expect.arrayContaining(['sms.text', 'push.url', 'inapp.body']));
    expect(fieldsOf(result)).not.toContain('subject');
  });

  it('refuses a URL whose scheme or host a variable decides', () => {
    const result = validate(CreateTemplateVersionRequest, {
      inapp: { title: 'x', body: 'y', actionUrl: '{{ link }}' },
    });
    expect(fieldsOf(result)).toEqual(['inapp.actionUrl']);
    const hostFromVariable = validate(CreateTemplateVersionRequest, {
      push: { title: 'x', body: 'y', url: 'https://shop{{ host }}.example/' },
    });
    expect(fieldsOf(hostFromVariable)).toEqual(['push.url']);
  });

  it('needs subject and mjml together', () => {
    expect(problemsOf(validate(CreateTemplateVersionRequest, { subject: 's', sms }))).toEqual([
      { field: 'mjml', problem: 'is required with subject' },
    ]);
  });

  it('refuses a main channel the template has no part for', () => {
    const result = validate(CreateTemplateRequest, { key: 'k', name: 'n', sms, channel: 'email' });
    expect(problemsOf(result)).toEqual([{ field: 'channel', problem: 'the template has no email part' }]);
  });

  it('keeps the versions of an existing body valid', () => {
    expect(validate(CreateTemplateVersionRequest, { subject: 's', mjml: 'm' }).ok).toBe(true);
    expect(validate(CreateTemplateVersionRequest, { push, inapp }).ok).toBe(true);
  });
});
