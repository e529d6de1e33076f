import {
  type ChannelName,
  type DeliveryEvent,
  type EmailDispatch,
  type InappDispatch,
  type PushDispatch,
  type RenderRequested,
  type SmsDispatch,
  validate,
} from '@switchboard/contracts';
import {
  compileTextPart,
  type CompiledTemplateCache,
  type LineCompiler,
  mergeTemplateErrors,
  renderInlineEmail,
  TemplateError,
} from '@switchboard/rendering';
import { cutText } from '@switchboard/security';
import { dispatchContractFor, type LaneTopicName } from './dispatch-lane';
import { renderFailureReason } from './render-failure-reason';
import type { TemplateVersionRecord } from '../templates/version-at';

export const TEMPLATE_SERVICE_NAME = 'template';
/** The most characters of a failure reason: it goes to the timeline, the logs and analytics. */
export const FAILURE_REASON_LIMIT = 1000;

export interface VersionFinder {
  versionAt(
    tenantId: string,
    templateKey: string,
    acceptedAt: Date,
  ): Promise<TemplateVersionRecord | undefined>;
}

/** A rendered message for one channel, with the lane topic its priority goes to. */
export type ChannelDispatch =
  | { channel: 'email'; topic: LaneTopicName<'email'>; dispatch: EmailDispatch }
  | { channel: 'sms'; topic: LaneTopicName<'sms'>; dispatch: SmsDispatch }
  | { channel: 'push'; topic: LaneTopicName<'push'>; dispatch: PushDispatch }
  | { channel: 'inapp'; topic: LaneTopicName<'inapp'>; dispatch: InappDispatch };

export type RenderResult =
  | ({ result: 'rendered'; event: DeliveryEvent } & ChannelDispatch)
  /** A problem with the message itself (no such template or part, a missing variable): retrying cannot help. */
  | { result: 'failed'; reason: string; event: DeliveryEvent };

export interface RenderMessageDependencies {
  versions: VersionFinder;
  /** Compiles email bodies and the lines of text parts, once per template version. */
  compiledTemplates: Pick<CompiledTemplateCache, 'get'>;
  now?: () => Date;
}

/** What a channel shows, before it is addressed: the same shape from a template or inline content. */
interface RenderedContent {
  email: { subject: string; html: string; text: string };
  sms: { text: string };
  push: { title: string; body: string; url?: string };
  inapp: { title: string; body: string; actionUrl?: string };
}

interface TemplateReference {
  key: string;
  version: number;
}

/** Renders one message for its channel with the template version current when it was accepted. */
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
    if (!('templateKey' in content)) {
      return this.addressed(request, inlineContent(request.channel, renderInlineEmail(content)));
    }
    const version = await this.dependencies.versions.versionAt(
      request.tenantId,
      content.templateKey,
      new Date(request.acceptedAt),
    );
    if (!version) {
      return this.failed(request, `template ${content.templateKey} has no version at ${request.acceptedAt}`);
    }
    const rendered = await this.renderPart(
      version,
      request.channel,
      withLinkVariables(request, content.data),
    );
    if (!rendered) {
      return this.failed(
        request,
        `template ${content.templateKey} version ${version.version} has no ${request.channel} part`,
      );
    }
    return this.addressed(request, rendered, { key: content.templateKey, version: version.version });
  }

  /** The version's part for the channel, rendered; undefined when it has none. */
  private async renderPart(
    version: TemplateVersionRecord,
    channel: ChannelName,
    data: Record<string, unknown>,
  ): Promise<RenderedContent[ChannelName] | undefined> {
    const { compiledTemplates } = this.dependencies;
    const versionId = `${version.templateId}:${version.version}`;
    const fields = <Fields extends Record<string, string | undefined>>(part: string, sources: Fields) =>
      renderTextFields(compiledTemplates, `${versionId}:${part}`, part, sources, data);
    switch (channel) {
      case 'email': {
        if (version.subject === undefined || version.mjml === undefined) return undefined;
        const compiled = await compiledTemplates.get(versionId, {
          subject: version.subject,
          mjml: version.mjml,
        });
        return compiled.render(data);
      }
      case 'sms':
        return version.sms && fields('sms', { text: version.sms.text });
      case 'push':
        return version.push && fields('push', version.push);
      case 'inapp':
        return version.inapp && fields('inapp', version.inapp);
    }
  }

  /** The channel's dispatch for the request's address, checked against its contract before it goes. */
  private addressed(
    request: RenderRequested,
    content: RenderedContent[ChannelName],
    template?: TemplateReference,
  ): RenderResult {
    const lane = dispatchContractFor(request.channel, request.priority);
    // The contract also fills in its defaults (SMS type, push urgency and time to live).
    const checked = validate<unknown>(lane.schema, toDispatch(request, content, template));
    if (!checked.ok) {
      const problems = checked.problems.map(({ field, problem }) => `${field} ${problem}`).join('; ');
      return this.failed(request, `the rendered ${request.channel} message is not valid: ${problems}`);
    }
    const detail: Record<string, string | number> = template
      ? { templateKey: template.key, templateVersion: template.version }
      : { content: 'inline' };
    // The lane and the payload were both chosen by the request's channel, so they belong together.
    const outbound = {
      channel: request.channel,
      topic: lane.topic,
      dispatch: checked.value,
    } as ChannelDispatch;
    return { result: 'rendered', ...outbound, event: this.event(request, 'rendered', { detail }) };
  }

  private failed(request: RenderRequested, detail: string): RenderResult {
    const reason = cutText(detail, FAILURE_REASON_LIMIT);
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

/**
 * Renders a part's text fields (those it has); every field renders before an error is thrown, so
 * one reason names every missing variable of the part.
 */
async function renderTextFields<Fields extends Record<string, string | undefined>>(
  compiler: LineCompiler,
  partId: string,
  part: string,
  sources: Fields,
  data: Record<string, unknown>,
): Promise<{ [Name in keyof Fields]: Fields[Name] extends string ? string : string | undefined }> {
  const present = Object.entries(sources).filter(
    (entry): entry is [string, string] => entry[1] !== undefined,
  );
  const compiled = await Promise.all(
    present.map(([name, source]) =>
      compileTextPart(compiler, `${partId}.${name}`, `${part}.${name}`, source),
    ),
  );
  const errors: TemplateError[] = [];
  const values = compiled.map((field) => {
    try {
      return field.render(data);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      errors.push(error);
      return '';
    }
  });
  if (errors.length > 0) throw mergeTemplateErrors(errors);
  return Object.fromEntries(present.map(([name], index) => [name, values[index]])) as {
    [Name in keyof Fields]: Fields[Name] extends string ? string : string | undefined;
  };
}

/**
 * An email's template can link to its own unsubscribe and preference pages as {{unsubscribeUrl}}
 * and {{preferencesUrl}}; the signed links win over data of the same name, which the caller wrote.
 */
function withLinkVariables(request: RenderRequested, data: Record<string, unknown>): Record<string, unknown> {
  if (request.channel !== 'email' || !request.listUnsubscribe) return data;
  const { url, preferencesUrl } = request.listUnsubscribe;
  return { ...data, unsubscribeUrl: url, ...(preferencesUrl ? { preferencesUrl } : {}) };
}

/** Inline content for any channel: the subject is the title, the text (or the html's text) the body. */
function inlineContent(channel: ChannelName, email: RenderedContent['email']): RenderedContent[ChannelName] {
  switch (channel) {
    case 'email':
      return email;
    case 'sms':
      return { text: email.text };
    case 'push':
    case 'inapp':
      return { title: email.subject, body: email.text };
  }
}

/** The dispatch as the channel's contract takes it in, before its defaults. */
function toDispatch(
  request: RenderRequested,
  content: RenderedContent[ChannelName],
  template: TemplateReference | undefined,
): Record<string, unknown> {
  const { tenantId, messageId } = request;
  // The person's id travels on, so that the dispatch is sealed with their key (erasure shreds it).
  const recipient = request.recipientId !== undefined ? { recipientId: request.recipientId } : {};
  switch (request.channel) {
    case 'email': {
      const { subject, html, text } = content as RenderedContent['email'];
      return {
        tenantId,
        messageId,
        ...recipient,
        to: request.address,
        subject,
        html,
        text,
        ...(template ? { template } : {}),
        ...(request.listUnsubscribe ? { listUnsubscribe: request.listUnsubscribe } : {}),
      };
    }
    case 'sms':
      return {
        tenantId,
        messageId,
        ...recipient,
        to: request.address,
        text: (content as RenderedContent['sms']).text,
      };
    case 'push': {
      const { title, body, url } = content as RenderedContent['push'];
      return {
        tenantId,
        messageId,
        recipientId: request.address,
        subscriptions: request.pushSubscriptions,
        notification: { title, body, ...(url !== undefined ? { url } : {}) },
      };
    }
    case 'inapp': {
      const { title, body, actionUrl } = content as RenderedContent['inapp'];
      return {
        tenantId,
        messageId,
        recipientId: request.address,
        title,
        body,
        ...(actionUrl !== undefined ? { actionUrl } : {}),
      };
    }
  }
}
