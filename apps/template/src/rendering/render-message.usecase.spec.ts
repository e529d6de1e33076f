import type { RenderRequested } from '@switchboard/contracts';
import { CompiledTemplateCache } from '@switchboard/rendering';
import { RenderMessageUsecase, type VersionFinder } from './render-message.usecase';
import { versionAt, type TemplateVersionRecord } from './version-at';

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
    if (result.result !== 'rendered') throw new Error(`expected a rendered email, got ${result.reason}`);
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

  it('renders inline content without a template, in the normal lane', async () => {
    const result = await usecase.execute(
      request({ priority: 'normal', content: { subject: 'Hi', text: 'Fish & chips at 5' } }),
    );
    if (result.result !== 'rendered') throw new Error(result.reason);
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
