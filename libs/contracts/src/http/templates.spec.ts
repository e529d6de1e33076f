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

  it('refuses a variable name over its limits in any text of any part, naming the field and the line', () => {
    const longName = 'a'.repeat(150_000);
    const result = validate(CreateTemplateRequest, {
      key: 'huge',
      name: 'Huge',
      subject: `Hello {{ ${'s'.repeat(129)} }}`,
      mjml: `<mjml>\n<mj-body>\n{{ ${longName} }}\n</mj-body>\n</mjml>`,
      sms: { text: `{{ ${'p'.repeat(65)}.total }}` },
      push: {
        title: 'x',
        body: '{{ a.b.c.d.e.f.g.h.i }}',
        url: `https://shop.example/{{ ${'u'.repeat(200)} }}`,
      },
      inapp: { title: `{{${'t'.repeat(129)}}}`, body: 'y', actionUrl: 'https://shop.example/ok' },
    });

    expect(problemsOf(result)).toEqual([
      {
        field: 'subject',
        problem: `{{ ${'s'.repeat(24)}… }} is 129 characters long; a variable name is at most 128`,
      },
      {
        field: 'mjml',
        problem: `line 3: {{ ${'a'.repeat(24)}… }} is 150,000 characters long; a variable name is at most 128`,
      },
      {
        field: 'sms.text',
        problem: `{{ ${'p'.repeat(24)}… }} has a part of 65 characters; each part of a variable name is at most 64`,
      },
      {
        field: 'push.body',
        problem: '{{ a.b.c.d.e.f.g.h.i }} has 9 parts; a variable name has at most 8, joined by dots',
      },
      { field: 'push.url', problem: expect.stringContaining('is 200 characters long') },
      { field: 'inapp.title', problem: expect.stringContaining('is 129 characters long') },
    ]);
  });

  it('takes variable names at their limits, and new versions are held to them too', () => {
    const longest = `${'a'.repeat(64)}.${'b'.repeat(63)}`;
    const deepest = 'a.b.c.d.e.f.g.h';

    expect(
      validate(CreateTemplateVersionRequest, { sms: { text: `{{ ${longest} }} {{ ${deepest} }}` } }).ok,
    ).toBe(true);
    expect(fieldsOf(validate(CreateTemplateVersionRequest, { sms: { text: `{{ ${longest}b }}` } }))).toEqual([
      'sms.text',
    ]);
  });

  it.each([
    ['opening braces', '{{'.repeat(99_999), 0],
    ['braces and spaces', '{{ '.repeat(66_666), 0],
    ['one brace pair and spaces', `{{${' '.repeat(199_990)}`, 0],
    ['line breaks and names', '{{ a\n'.repeat(39_999), 0],
    ['a name without end', `{{ ${'a'.repeat(199_990)}`, 1],
    ['a dotted name', `{{ ${'a.'.repeat(99_990)} }}`, 1],
  ])('reads the longest MJML made of %s in one pass', (_shape, mjml, problems) => {
    const result = validate(CreateTemplateVersionRequest, { subject: 's', mjml });

    expect(problemsOf(result)).toEqual(
      Array.from({ length: problems }, () => ({
        field: 'mjml',
        problem: expect.stringContaining('characters long'),
      })),
    );
  });

  it('finds a name right after a brace too many', () => {
    expect(
      fieldsOf(validate(CreateTemplateVersionRequest, { sms: { text: `{{{ ${'a'.repeat(129)} }}}` } })),
    ).toEqual(['sms.text']);
  });
});
