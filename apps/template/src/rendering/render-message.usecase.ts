import type { DeliveryEvent, EmailDispatch, RenderRequested } from '@switchboard/contracts';
import { type CompiledTemplateCache, renderInlineEmail, TemplateError } from '@switchboard/rendering';
import { dispatchTopicFor, type EmailDispatchTopicName } from './dispatch-lane';
import { renderFailureReason } from './render-failure-reason';
import type { TemplateVersionRecord } from './version-at';

export const TEMPLATE_SERVICE_NAME = 'template';

export interface VersionFinder {
  versionAt(
    tenantId: string,
    templateKey: string,
    acceptedAt: Date,
  ): Promise<TemplateVersionRecord | undefined>;
}

export type RenderResult =
  | { result: 'rendered'; topic: EmailDispatchTopicName; dispatch: EmailDispatch; event: DeliveryEvent }
  /** A problem with the message itself (no such template, a missing variable): retrying cannot help. */
  | { result: 'failed'; reason: string; event: DeliveryEvent };

export interface RenderMessageDependencies {
  versions: VersionFinder;
  compiledTemplates: Pick<CompiledTemplateCache, 'get'>;
  now?: () => Date;
}

/** Renders one message with the template version that was current when it was accepted. */
export class RenderMessageUsecase {
  private readonly now: () => Date;

  constructor(private readonly dependencies: RenderMessageDependencies) {
    this.now = dependencies.now ?? (() => new Date());
  }

  async execute(request: RenderRequested): Promise<RenderResult> {
    try {
      return await this.render(request);
    } catch (error) {
      // Versions are checked when they are created, so a template error is about this message.
      if (error instanceof TemplateError) return this.failed(request, renderFailureReason(error));
      throw error;
    }
  }

  private async render(request: RenderRequested): Promise<RenderResult> {
    const { content } = request;
    if (!('templateKey' in content)) return this.rendered(request, renderInlineEmail(content));
    const version = await this.dependencies.versions.versionAt(
      request.tenantId,
      content.templateKey,
      new Date(request.acceptedAt),
    );
    if (!version) {
      return this.failed(request, `template ${content.templateKey} has no version at ${request.acceptedAt}`);
    }
    const compiled = await this.dependencies.compiledTemplates.get(
      `${version.templateId}:${version.version}`,
      {
        subject: version.subject,
        mjml: version.mjml,
      },
    );
    const email = compiled.render(content.data);
    return this.rendered(request, {
      ...email,
      template: { key: content.templateKey, version: version.version },
    });
  }

  private rendered(
    request: RenderRequested,
    email: { subject: string; html: string; text: string; template?: { key: string; version: number } },
  ): RenderResult {
    const dispatch: EmailDispatch = {
      tenantId: request.tenantId,
      messageId: request.messageId,
      to: request.address,
      subject: email.subject,
      html: email.html,
      text: email.text,
      ...(email.template ? { template: email.template } : {}),
    };
    const detail: Record<string, string | number> = email.template
      ? { templateKey: email.template.key, templateVersion: email.template.version }
      : { content: 'inline' };
    return {
      result: 'rendered',
      topic: dispatchTopicFor(request.priority),
      dispatch,
      event: this.event(request, 'rendered', { detail }),
    };
  }

  private failed(request: RenderRequested, reason: string): RenderResult {
    return { result: 'failed', reason, event: this.event(request, 'failed', { reason }) };
  }

  private event(
    request: RenderRequested,
    type: 'rendered' | 'failed',
    facts: Pick<DeliveryEvent, 'reason' | 'detail'>,
  ): DeliveryEvent {
    return {
      tenantId: request.tenantId,
      messageId: request.messageId,
      type,
      occurredAt: this.now().toISOString(),
      source: TEMPLATE_SERVICE_NAME,
      channel: request.channel,
      ...facts,
    };
  }
}
