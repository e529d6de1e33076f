import type { InappTemplatePart, PushTemplatePart, SmsTemplatePart } from '@switchboard/contracts';

export interface TemplateVersionRecord {
  templateId: string;
  templateKey: string;
  version: number;
  /** The email part: both or neither. */
  subject?: string;
  mjml?: string;
  sms?: SmsTemplatePart;
  push?: PushTemplatePart;
  inapp?: InappTemplatePart;
  createdAt: Date;
}

/** The version a message accepted at `acceptedAt` renders with: the latest one created by then. */
export function versionAt<T extends Pick<TemplateVersionRecord, 'version' | 'createdAt'>>(
  versions: readonly T[],
  acceptedAt: Date,
): T | undefined {
  let current: T | undefined;
  for (const candidate of versions) {
    if (candidate.createdAt.getTime() > acceptedAt.getTime()) continue;
    if (!current || candidate.version > current.version) current = candidate;
  }
  return current;
}
