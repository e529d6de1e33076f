import { z } from 'zod';
import { Channel, type ChannelName, TemplateKey, Timestamp } from '../common';

const TemplateSubject = z.string().min(1).max(998);
const TemplateMjml = z.string().min(1).max(200_000);
// URLs may hold variables (checked as URLs once rendered), but never in the scheme or the host.
const TemplateUrl = z
  .string()
  .max(2048)
  .regex(
    /^https?:\/\/[^\s/?#{}]+(?:[/?#]|$)/i,
    'must start with http:// or https:// and a host written out, before any variable',
  );

/** The text of an SMS; no HTML, variables are filled in as they are. */
export const SmsTemplatePart = z.strictObject({ text: z.string().min(1).max(1600) });
/** A web push notification; `url` opens when it is clicked. */
export const PushTemplatePart = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(1000),
  url: TemplateUrl.optional(),
});
/** An item of the recipient's in-app inbox. */
export const InappTemplatePart = z.strictObject({
  title: z.string().min(1).max(200),
  body: z.string().min(1).max(10_000),
  actionUrl: TemplateUrl.optional(),
});

/** The order in which a template's channels are listed: the order the router tries them by default. */
export const TEMPLATE_CHANNEL_ORDER = ['email', 'push', 'inapp', 'sms'] as const satisfies ChannelName[];

/** Top-level subject + mjml are the email part; every part is optional but one must be given. */
const templateParts = {
  subject: TemplateSubject.optional(),
  mjml: TemplateMjml.optional(),
  sms: SmsTemplatePart.optional(),
  push: PushTemplatePart.optional(),
  inapp: InappTemplatePart.optional(),
};

export interface TemplateParts {
  subject?: string;
  mjml?: string;
  sms?: unknown;
  push?: unknown;
  inapp?: unknown;
}

/** The channels a template version has a part for, in TEMPLATE_CHANNEL_ORDER. */
export function channelsOf(parts: TemplateParts): ChannelName[] {
  const has: Record<(typeof TEMPLATE_CHANNEL_ORDER)[number], boolean> = {
    email: parts.subject !== undefined || parts.mjml !== undefined,
    push: parts.push !== undefined,
    inapp: parts.inapp !== undefined,
    sms: parts.sms !== undefined,
  };
  return TEMPLATE_CHANNEL_ORDER.filter((channel) => has[channel]);
}

const PART_FIELDS = ['subject', 'mjml', 'sms', 'push', 'inapp'] as const;

function checkParts<T extends TemplateParts>(parts: T, context: z.core.$RefinementCtx<T>): void {
  const value: Record<string, unknown> = { ...(parts as object) };
  const report = (field: string, message: string) =>
    context.addIssue({ code: 'custom', path: [field], message, input: value[field] });
  if (PART_FIELDS.every((field) => value[field] === undefined)) {
    const message = 'is required unless the template has an sms, push or inapp part';
    report('subject', message);
    report('mjml', message);
    return;
  }
  if (value.subject !== undefined && value.mjml === undefined) report('mjml', 'is required with subject');
  if (value.mjml !== undefined && value.subject === undefined) report('subject', 'is required with mjml');
}

/**
 * Bounds on the names in `{{ ... }}`, so that the work and the error messages of rendering a
 * message stay small: a name of at most 128 characters, at most 8 parts joined by dots
 * (`order.items.first`), each at most 64 characters.
 */
export const TEMPLATE_VARIABLE_LIMITS = { nameLength: 128, parts: 8, partLength: 64 } as const;

// Every text of a template that may hold variables, by its path in the body.
const TEMPLATE_TEXTS = [
  ['subject'],
  ['mjml'],
  ['sms', 'text'],
  ['push', 'title'],
  ['push', 'body'],
  ['push', 'url'],
  ['inapp', 'title'],
  ['inapp', 'body'],
  ['inapp', 'actionUrl'],
] as const;

function checkVariableNames<T extends TemplateParts>(parts: T, context: z.core.$RefinementCtx<T>): void {
  for (const path of TEMPLATE_TEXTS) {
    let text: unknown = parts;
    for (const key of path) {
      text = typeof text === 'object' && text !== null ? (text as Record<string, unknown>)[key] : undefined;
    }
    if (typeof text !== 'string') continue;
    for (const message of variableNameProblems(text)) {
      context.addIssue({ code: 'custom', path: [...path], message, input: text });
    }
  }
}

const QUOTED_NAME_LENGTH = 24;
const [LINE_FEED, TAB, SPACE, OPEN_BRACE] = [0x0a, 0x09, 0x20, 0x7b];
const thousands = new Intl.NumberFormat('en-US');

/**
 * What is too long about the names written after each `{{` (the rendering lib judges the rest of
 * the placeholder syntax). One pass over the text: a name is a run of letters, digits, `_` and `.`.
 */
function variableNameProblems(text: string): string[] {
  const found: Array<{ line: number; problem: string }> = [];
  let line = 1;
  // charCodeAt only: V8 can make indexOf and includes re-flatten a concatenated string per call.
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === LINE_FEED) line++;
    if (code !== OPEN_BRACE || text.charCodeAt(index + 1) !== OPEN_BRACE) continue;
    let start = index + 2;
    while (text.charCodeAt(start) === SPACE || text.charCodeAt(start) === TAB) start++;
    let end = start;
    while (isNameCharacter(text.charCodeAt(end))) end++;
    if (end === start) continue;
    const problem = nameProblem(text.slice(start, end));
    if (problem !== undefined) found.push({ line, problem });
    index = end - 1;
  }
  return found.map((at) => (line > 1 ? `line ${at.line}: ${at.problem}` : at.problem));
}

function nameProblem(name: string): string | undefined {
  const { nameLength, parts, partLength } = TEMPLATE_VARIABLE_LIMITS;
  const quoted = `{{ ${name.length > QUOTED_NAME_LENGTH ? `${name.slice(0, QUOTED_NAME_LENGTH)}…` : name} }}`;
  if (name.length > nameLength) {
    return `${quoted} is ${thousands.format(name.length)} characters long; a variable name is at most ${nameLength}`;
  }
  const nameParts = name.split('.');
  if (nameParts.length > parts) {
    return `${quoted} has ${nameParts.length} parts; a variable name has at most ${parts}, joined by dots`;
  }
  const longPart = nameParts.find((part) => part.length > partLength);
  if (longPart !== undefined) {
    return `${quoted} has a part of ${longPart.length} characters; each part of a variable name is at most ${partLength}`;
  }
  return undefined;
}

function isNameCharacter(code: number): boolean {
  return (
    (code >= 0x30 && code <= 0x39) || // 0-9
    (code >= 0x41 && code <= 0x5a) || // A-Z
    (code >= 0x61 && code <= 0x7a) || // a-z
    code === 0x5f || // _
    code === 0x2e // .
  );
}

// Also when other fields are invalid, so that one answer names every problem.
const evenWithOtherProblems = {
  when: (payload: z.core.ParsePayload<unknown>) =>
    typeof payload.value === 'object' && payload.value !== null && !Array.isArray(payload.value),
};

/** Body of POST /v1/templates (and of the template service's internal create route). */
export const CreateTemplateRequest = z
  .strictObject({
    key: TemplateKey,
    name: z.string().min(1).max(200),
    ...templateParts,
    /** The template's main channel; defaults to the first one it has a part for. */
    channel: Channel.optional(),
  })
  .superRefine(checkParts, evenWithOtherProblems)
  .superRefine(checkVariableNames, evenWithOtherProblems)
  .superRefine((value, context) => {
    if (value.channel !== undefined && !channelsOf(value).includes(value.channel)) {
      context.addIssue({
        code: 'custom',
        path: ['channel'],
        message: `the template has no ${value.channel} part`,
      });
    }
  })
  .transform((value) => ({ ...value, channel: value.channel ?? channelsOf(value)[0] }));

/** Body of POST /v1/templates/{key}/versions: a new immutable version that becomes current. */
export const CreateTemplateVersionRequest = z
  .strictObject(templateParts)
  .superRefine(checkParts, evenWithOtherProblems)
  .superRefine(checkVariableNames, evenWithOtherProblems);

export const TemplateVersionView = z.strictObject({
  version: z.number().int().positive(),
  /** The channels this version has a part for, in TEMPLATE_CHANNEL_ORDER. */
  channels: z.array(Channel).optional(),
  subject: z.string().optional(),
  mjml: z.string().optional(),
  sms: SmsTemplatePart.optional(),
  push: PushTemplatePart.optional(),
  inapp: InappTemplatePart.optional(),
  createdAt: Timestamp,
});

/** A template as the API shows it; `versions` is present on the single-template view. */
export const TemplateView = z.strictObject({
  key: TemplateKey,
  name: z.string(),
  /** The template's main channel, given or the first of its first version's channels. */
  channel: Channel,
  /** The channels the current version has a part for, in TEMPLATE_CHANNEL_ORDER. */
  channels: z.array(Channel).optional(),
  currentVersion: z.number().int().positive(),
  createdAt: Timestamp,
  versions: z.array(TemplateVersionView).optional(),
});

export const TemplateListView = z.strictObject({ templates: z.array(TemplateView) });

export type SmsTemplatePart = z.infer<typeof SmsTemplatePart>;
export type PushTemplatePart = z.infer<typeof PushTemplatePart>;
export type InappTemplatePart = z.infer<typeof InappTemplatePart>;
export type CreateTemplateRequest = z.output<typeof CreateTemplateRequest>;
export type CreateTemplateVersionRequest = z.output<typeof CreateTemplateVersionRequest>;
export type TemplateVersionView = z.infer<typeof TemplateVersionView>;
export type TemplateView = z.infer<typeof TemplateView>;
export type TemplateListView = z.infer<typeof TemplateListView>;
