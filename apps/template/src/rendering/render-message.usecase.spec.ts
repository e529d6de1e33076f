import type { RenderRequested } from '@switchboard/contracts';
import { CompiledTemplateCache } from '@switchboard/rendering';
import { FAILURE_REASON_LIMIT, RenderMessageUsecase, type VersionFinder } from './render-message.usecase';
import { versionAt, type TemplateVersionRecord } from '../templates/version-at';

type EmailRenderRequest = Extract<RenderRequested, { channel: 'email' }>;

const ACCEPTED_AT = '2026-04-02T12:00:00.000Z';
const NOW = new Date('2026-04-02T12:00:01.000Z');

const mjml = (body: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${body}</mj-text></mj-column></mj-section></mj-body></mjml>`;

const versions: TemplateVersionRecord[] = [
  {
    templateId: 'tpl-1',
    templateKey: 'order-shipped',
    version: 1,
    subject: 'Shipped, {{ name }}',
    mjml: mjml('Hello {{ name }}, version one'),
    createdAt: new Date('2026-04-01T00:00:00Z'),
  },
  {
    templateId: 'tpl-1',
    templateKey: 'order-shipped',
    version: 2,
    subject: 'On its way, {{ name }}',
    mjml: mjml('Hello {{ name }}, version two'),
    createdAt: new Date('2026-04-03T00:00:00Z'),
  },
];

const finder: VersionFinder = {
  async versionAt(tenantId, key, acceptedAt) {
    return tenantId === 'acme' && key === 'order-shipped' ? versionAt(versions, acceptedAt) : undefined;
  },
};

function request(overrides: Partial<EmailRenderRequest> = {}): EmailRenderRequest {
  return {
    tenantId: 'acme',
    messageId: '6f1f1a52-0c8a-4bb4-8d4c-3a0a3f3b0c11',
    acceptedAt: ACCEPTED_AT,
    channel: 'email',
    address: 'ada@example.com',
    priority: 'high',
    content: { templateKey: 'order-shipped', data: { name: 'Ada <script>alert(1)</script>' } },
    ...overrides,
  };
}

describe('RenderMessageUsecase', () => {
  const compiledTemplates = new CompiledTemplateCache();
  const usecase = new RenderMessageUsecase({ versions: finder, compiledTemplates, now: () => NOW });

  it('renders with the version current at acceptance, escaped, for the lane of its priority', async () => {
    const result = await usecase.execute(request());
    if (result.result !== 'rendered' || result.channel !== 'email') throw new Error('expected an email');
    expect(result.topic).toBe('sb.dispatch.email.high.v1');
    expect(result.dispatch).toMatchObject({
      tenantId: 'acme',
      messageId: request().messageId,
      to: 'ada@example.com',
      subject: 'Shipped, Ada <script>alert(1)</script>',
      template: { key: 'order-shipped', version: 1 },
    });
    expect(result.dispatch.html).toContain('Hello Ada &lt;script&gt;alert(1)&lt;/script&gt;, version one');
    expect(result.dispatch.html).not.toContain('<script>');
    expect(result.dispatch.text).toContain('Hello Ada <script>alert(1)</script>, version one');
    expect(result.event).toEqual({
      tenantId: 'acme',
      messageId: request().messageId,
      type: 'rendered',
      occurredAt: NOW.toISOString(),
      source: 'template',
      channel: 'email',
      detail: { templateKey: 'order-shipped', templateVersion: 1 },
    });
  });

  it('compiles each version once', async () => {
    const before = compiledTemplates.size;
    await usecase.execute(request({ acceptedAt: '2026-04-04T00:00:00.000Z', priority: 'bulk' }));
    await usecase.execute(request({ acceptedAt: '2026-04-05T00:00:00.000Z', priority: 'bulk' }));
    expect(compiledTemplates.size).toBe(before + 1);
  });

  it('fails for good when no version existed at acceptance', async () => {
    const result = await usecase.execute(request({ acceptedAt: '2026-03-01T00:00:00.000Z' }));
    const reason = 'template order-shipped has no version at 2026-03-01T00:00:00.000Z';
    expect(result).toEqual({
      result: 'failed',
      reason,
      event: expect.objectContaining({ type: 'failed', reason, source: 'template', channel: 'email' }),
    });
  });

  it('fails for good when the data lacks a variable', async () => {
    const result = await usecase.execute(request({ content: { templateKey: 'order-shipped', data: {} } }));
    expect(result).toMatchObject({ result: 'failed', reason: 'missing variable name' });
  });

  // A version stored before variable names were limited, as in the incident.
  it('fails a message for a template with a 150,000-character variable with a bounded reason', async () => {
    const names = ['a', 'b', 'c'].map((letter) => letter.repeat(150_000));
    const legacy = new RenderMessageUsecase({
      versions: {
        versionAt: async () => ({
          templateId: 'tpl-legacy',
          templateKey: 'legacy',
          version: 1,
          subject: `Hello {{ ${names[0]} }}`,
          mjml: mjml(names.map((name) => `{{ ${name} }}`).join(' ')),
          createdAt: new Date('2026-04-01T00:00:00Z'),
        }),
      },
      compiledTemplates,
      now: () => NOW,
    });

    const result = await legacy.execute(request({ content: { templateKey: 'legacy', data: {} } }));

    if (result.result !== 'failed') throw new Error('expected a failure');
    expect(result.reason.length).toBeLessThanOrEqual(FAILURE_REASON_LIMIT);
    expect(result.reason).toMatch(/^missing variable a+…\[\+149,\d{3} characters\], b+…/);
    expect(result.event.reason).toBe(result.reason);
  });

  it('carries the unsubscribe links into the email and lets its template show them', async () => {
    const listUnsubscribe = {
      url: 'https://mail.example.com/v1/unsubscribe/token-1',
      preferencesUrl: 'https://mail.example.com/preferences/token-2',
    };
    const withLinks = new RenderMessageUsecase({
      versions: {
        versionAt: async () => ({
          ...versions[0],
          templateId: 'tpl-links',
          mjml: mjml(
            '<a href="{{ unsubscribeUrl }}">Unsubscribe</a> <a href="{{ preferencesUrl }}">Settings</a>',
          ),
        }),
      },
      compiledTemplates,
      now: () => NOW,
    });

    const result = await withLinks.execute(request({ listUnsubscribe }));

    if (result.result !== 'rendered' || result.channel !== 'email') throw new Error('expected an email');
    expect(result.dispatch.listUnsubscribe).toEqual(listUnsubscribe);
    expect(result.dispatch.html).toContain('href="https://mail.example.com/v1/unsubscribe/token-1"');
    expect(result.dispatch.html).toContain('href="https://mail.example.com/preferences/token-2"');
  });

  it('sends an email without unsubscribe links when the request has none', async () => {
    const result = await usecase.execute(request());

    if (result.result !== 'rendered' || result.channel !== 'email') throw new Error('expected an email');
    expect(result.dispatch).not.toHaveProperty('listUnsubscribe');
  });

  it('renders inline content without a template, in the normal lane', async () => {
    const result = await usecase.execute(
      request({ priority: 'normal', content: { subject: 'Hi', text: 'Fish & chips at 5' } }),
    );
    if (result.result !== 'rendered' || result.channel !== 'email') throw new Error('expected an email');
    expect(result.topic).toBe('sb.dispatch.email.normal.v1');
    expect(result.dispatch.html).toContain('Fish &amp; chips at 5');
    expect(result.dispatch.text).toBe('Fish & chips at 5');
    expect(result.dispatch).not.toHaveProperty('template');
    expect(result.event.detail).toEqual({ content: 'inline' });
  });

  it('lets an infrastructure failure throw, so the runner retries', async () => {
    const broken = new RenderMessageUsecase({
      versions: {
        versionAt: async () => {
          throw new Error('connection terminated');
        },
      },
      compiledTemplates,
    });
    await expect(broken.execute(request())).rejects.toThrow('connection terminated');
  });
});

describe('RenderMessageUsecase for SMS, push and in-app', () => {
  const everyChannel: TemplateVersionRecord = {
    templateId: 'tpl-2',
    templateKey: 'code',
    version: 1,
    subject: 'Code for {{ name }}',
    mjml: mjml('Your code is {{ code }}'),
    sms: { text: 'Hi {{ name }},\nyour code is {{ code }}' },
    push: {
      title: 'Code for {{ name }}',
      body: 'It is {{ code }}',
      url: 'https://shop.example/c/{{ code }}',
    },
    inapp: { title: 'Your code', body: '{{ name }}: {{ code }}', actionUrl: 'https://shop.example/codes' },
    createdAt: new Date('2026-04-01T00:00:00Z'),
  };
  const smsOnly: TemplateVersionRecord = {
    templateId: 'tpl-3',
    templateKey: 'sms-only',
    version: 4,
    sms: { text: 'Hi {{ name }}' },
    createdAt: new Date('2026-04-01T00:00:00Z'),
  };
  const usecase = new RenderMessageUsecase({
    versions: {
      async versionAt(_tenantId, key) {
        return [everyChannel, smsOnly].find((version) => version.templateKey === key);
      },
    },
    compiledTemplates: new CompiledTemplateCache(),
    now: () => NOW,
  });
  const base = {
    tenantId: 'acme',
    messageId: '6f1f1a52-0c8a-4bb4-8d4c-3a0a3f3b0c12',
    acceptedAt: ACCEPTED_AT,
    priority: 'normal' as const,
    content: { templateKey: 'code', data: { name: 'Ada <b>&</b> {{ code }}', code: 42 } },
  };
  const subscription = {
    endpoint: 'https://push.example/sub/1',
    keys: { p256dh: 'BPublicKey', auth: 'secret' },
  };

  it('renders the SMS part as plain text, unescaped, keeping its lines, to the SMS lane', async () => {
    const result = await usecase.execute({
      ...base,
      channel: 'sms',
      address: '+14155550123',
      priority: 'high',
    });
    if (result.result !== 'rendered' || result.channel !== 'sms') throw new Error('expected an SMS');
    expect(result.topic).toBe('sb.dispatch.sms.high.v1');
    expect(result.dispatch).toMatchObject({
      to: '+14155550123',
      // A value is put in as it is: no HTML escaping, and a placeholder in it is not filled in.
      text: 'Hi Ada <b>&</b> {{ code }},\nyour code is 42',
    });
    expect(result.event).toMatchObject({ type: 'rendered', channel: 'sms', detail: { templateKey: 'code' } });
  });

  it('renders the push part for the routed subscriptions, to the push lane', async () => {
    const result = await usecase.execute({
      ...base,
      channel: 'push',
      address: 'user-1',
      pushSubscriptions: [subscription],
      priority: 'bulk',
    });
    if (result.result !== 'rendered' || result.channel !== 'push') throw new Error('expected a push');
    expect(result.topic).toBe('sb.dispatch.push.bulk.v1');
    expect(result.dispatch).toMatchObject({
      recipientId: 'user-1',
      subscriptions: [subscription],
      notification: {
        title: 'Code for Ada <b>&</b> {{ code }}',
        body: 'It is 42',
        url: 'https://shop.example/c/42',
      },
    });
  });

  it('renders the in-app part for the recipient, to the in-app lane', async () => {
    const result = await usecase.execute({ ...base, channel: 'inapp', address: 'user-1' });
    if (result.result !== 'rendered' || result.channel !== 'inapp') throw new Error('expected an inbox item');
    expect(result.topic).toBe('sb.dispatch.inapp.normal.v1');
    expect(result.dispatch).toEqual({
      tenantId: 'acme',
      messageId: base.messageId,
      recipientId: 'user-1',
      title: 'Your code',
      body: 'Ada <b>&</b> {{ code }}: 42',
      actionUrl: 'https://shop.example/codes',
    });
  });

  it('fails, naming the channel, when the template has no part for it', async () => {
    const result = await usecase.execute({
      ...base,
      channel: 'inapp',
      address: 'user-1',
      content: { templateKey: 'sms-only', data: { name: 'Ada' } },
    });
    const reason = 'template sms-only version 4 has no inapp part';
    expect(result).toEqual({
      result: 'failed',
      reason,
      event: expect.objectContaining({ type: 'failed', channel: 'inapp', reason }),
    });
  });

  it('names every missing variable of a part once', async () => {
    const result = await usecase.execute({
      ...base,
      channel: 'push',
      address: 'user-1',
      pushSubscriptions: [subscription],
      content: { templateKey: 'code', data: {} },
    });
    expect(result).toMatchObject({ result: 'failed', reason: 'missing variable name, code' });
  });

  it('fails when a rendered part breaks the channel contract, such as a title too long', async () => {
    const result = await usecase.execute({
      ...base,
      channel: 'push',
      address: 'user-1',
      pushSubscriptions: [subscription],
      content: { templateKey: 'code', data: { name: 'A'.repeat(200), code: 42 } },
    });
    expect(result).toMatchObject({
      result: 'failed',
      reason: expect.stringMatching(/^the rendered push message is not valid: notification\.title /),
    });
  });

  it('renders inline content for each channel: the subject is the title, the text the body', async () => {
    const content = { subject: 'Heads up', html: '<p>Fish &amp; chips <b>at 5</b></p>' };
    const sms = await usecase.execute({ ...base, channel: 'sms', address: '+14155550123', content });
    const inapp = await usecase.execute({ ...base, channel: 'inapp', address: 'user-1', content });
    expect(sms).toMatchObject({ result: 'rendered', dispatch: { text: 'Fish & chips at 5' } });
    expect(inapp).toMatchObject({
      result: 'rendered',
      dispatch: { title: 'Heads up', body: 'Fish & chips at 5' },
      event: { detail: { content: 'inline' } },
    });
  });
});
