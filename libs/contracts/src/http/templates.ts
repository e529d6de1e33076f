import { z } from 'zod';
import { Channel, TemplateKey, Timestamp } from '../common';

const TemplateSubject = z.string().min(1).max(998);
const TemplateMjml = z.string().min(1).max(200_000);

/** Body of POST /v1/templates (and of the template service's internal create route). */
export const CreateTemplateRequest = z.strictObject({
  key: TemplateKey,
  name: z.string().min(1).max(200),
  subject: TemplateSubject,
  mjml: TemplateMjml,
  channel: z.literal('email').default('email'),
});

/** Body of POST /v1/templates/{key}/versions: a new immutable version that becomes current. */
export const CreateTemplateVersionRequest = z.strictObject({
  subject: TemplateSubject,
  mjml: TemplateMjml,
});

export const TemplateVersionView = z.strictObject({
  version: z.number().int().positive(),
  subject: z.string(),
  mjml: z.string(),
  createdAt: Timestamp,
});

/** A template as the API shows it; `versions` is present on the single-template view. */
export const TemplateView = z.strictObject({
  key: TemplateKey,
  name: z.string(),
  channel: Channel,
  currentVersion: z.number().int().positive(),
  createdAt: Timestamp,
  versions: z.array(TemplateVersionView).optional(),
});

export const TemplateListView = z.strictObject({ templates: z.array(TemplateView) });

export type CreateTemplateRequest = z.infer<typeof CreateTemplateRequest>;
export type CreateTemplateVersionRequest = z.infer<typeof CreateTemplateVersionRequest>;
export type TemplateVersionView = z.infer<typeof TemplateVersionView>;
export type TemplateView = z.infer<typeof TemplateView>;
export type TemplateListView = z.infer<typeof TemplateListView>;
