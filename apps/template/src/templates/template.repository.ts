import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import {
  type ChannelName,
  channelsOf,
  type CreateTemplateRequest,
  type CreateTemplateVersionRequest,
  type InappTemplatePart,
  type PushTemplatePart,
  type SmsTemplatePart,
} from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { TemplateVersionLoader } from './template-version-cache';
import type { TemplateVersionRecord } from './version-at';

export interface TemplateSummary {
  key: string;
  name: string;
  channel: ChannelName;
  /** The channels the current version has a part for. */
  channels: ChannelName[];
  currentVersion: number;
  createdAt: Date;
}

/** A version's parts: top-level subject + mjml is the email part. */
export interface TemplateVersionParts {
  subject?: string;
  mjml?: string;
  sms?: SmsTemplatePart;
  push?: PushTemplatePart;
  inapp?: InappTemplatePart;
}

export interface TemplateVersionDetails extends TemplateVersionParts {
  version: number;
  createdAt: Date;
}

export interface TemplateDetails extends TemplateSummary {
  versions: TemplateVersionDetails[];
}

// Millisecond precision, like the acceptance times it is compared with: a message accepted in
// the same millisecond as a version was created renders with that version.
const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`;

const VERSION_COLUMN_NAMES = [
  'version',
  'subject',
  'mjml',
  'sms_text',
  'push_title',
  'push_body',
  'push_url',
  'inapp_title',
  'inapp_body',
  'inapp_action_url',
  'created_at',
];
const versionColumns = (table = '') => VERSION_COLUMN_NAMES.map((name) => `${table}${name}`).join(', ');
const VERSION_COLUMNS = versionColumns();

interface VersionRow {
  version: number;
  subject: string | null;
  mjml: string | null;
  sms_text: string | null;
  push_title: string | null;
  push_body: string | null;
  push_url: string | null;
  inapp_title: string | null;
  inapp_body: string | null;
  inapp_action_url: string | null;
  created_at: Date;
}

@Injectable()
export class TemplateRepository implements TemplateVersionLoader {
  constructor(private readonly dataSource: DataSource) {}

  /** Creates the template with version 1, or returns undefined when the key is taken. */
  async createWithFirstVersion(
    tenantId: string,
    request: CreateTemplateRequest,
  ): Promise<TemplateDetails | undefined> {
    return this.dataSource.transaction(async (manager) => {
      const created: Array<{ id: string; created_at: Date }> = await manager.query(
        `INSERT INTO template.templates (id, tenant_id, key, name, channel, created_at)
         VALUES ($1, $2, $3, $4, $5, ${NOW_MS})
         ON CONFLICT (tenant_id, key) DO NOTHING
         RETURNING id, created_at`,
        [randomUUID(), tenantId, request.key, request.name, request.channel],
      );
      if (created.length === 0) return undefined;
      const version = await this.insertNextVersion(manager, created[0].id, request);
      return {
        key: request.key,
        name: request.name,
        channel: request.channel,
        channels: channelsOf(version),
        currentVersion: version.version,
        createdAt: created[0].created_at,
        versions: [version],
      };
    });
  }

  /** Adds the next version, or returns undefined when the template does not exist. */
  async addVersion(
    tenantId: string,
    key: string,
    request: CreateTemplateVersionRequest,
  ): Promise<TemplateVersionDetails | undefined> {
    return this.dataSource.transaction(async (manager) => {
      // The row lock makes concurrent requests take turns, so each gets its own number.
      const templates: Array<{ id: string }> = await manager.query(
        `SELECT id FROM template.templates WHERE tenant_id = $1 AND key = $2 FOR UPDATE`,
        [tenantId, key],
      );
      if (templates.length === 0) return undefined;
      return this.insertNextVersion(manager, templates[0].id, request);
    });
  }

  async list(tenantId: string): Promise<TemplateSummary[]> {
    const rows: Array<
      VersionRow & { key: string; name: string; channel: ChannelName; template_created_at: Date }
    > = await this.dataSource.query(
      `SELECT t.key, t.name, t.channel, t.created_at AS template_created_at,
              ${versionColumns('v.')}
         FROM template.templates t
         CROSS JOIN LATERAL (
           SELECT * FROM template.template_versions v
           WHERE v.template_id = t.id ORDER BY v.version DESC LIMIT 1
         ) v
         WHERE t.tenant_id = $1
         ORDER BY t.key`,
      [tenantId],
    );
    return rows.map((row) => ({
      key: row.key,
      name: row.name,
      channel: row.channel,
      channels: channelsOf(toVersionDetails(row)),
      currentVersion: Number(row.version),
      createdAt: row.template_created_at,
    }));
  }

  async find(tenantId: string, key: string): Promise<TemplateDetails | undefined> {
    const templates: Array<{ id: string; name: string; channel: ChannelName; created_at: Date }> =
      await this.dataSource.query(
        `SELECT id, name, channel, created_at FROM template.templates WHERE tenant_id = $1 AND key = $2`,
        [tenantId, key],
      );
    if (templates.length === 0) return undefined;
    const [template] = templates;
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT ${VERSION_COLUMNS} FROM template.template_versions WHERE template_id = $1 ORDER BY version`,
      [template.id],
    );
    const versions = rows.map(toVersionDetails);
    const current = versions[versions.length - 1];
    return {
      key,
      name: template.name,
      channel: template.channel,
      channels: channelsOf(current),
      currentVersion: current.version,
      createdAt: template.created_at,
      versions,
    };
  }

  async loadVersions(tenantId: string, templateKey: string): Promise<TemplateVersionRecord[]> {
    const rows: Array<VersionRow & { template_id: string }> = await this.dataSource.query(
      `SELECT v.template_id, ${versionColumns('v.')}
       FROM template.templates t JOIN template.template_versions v ON v.template_id = t.id
       WHERE t.tenant_id = $1 AND t.key = $2`,
      [tenantId, templateKey],
    );
    return rows.map((row) => ({ templateId: row.template_id, templateKey, ...toVersionDetails(row) }));
  }

  private async insertNextVersion(
    manager: EntityManager,
    templateId: string,
    request: TemplateVersionParts,
  ): Promise<TemplateVersionDetails> {
    const rows: VersionRow[] = await manager.query(
      `INSERT INTO template.template_versions (template_id, ${VERSION_COLUMNS})
       SELECT $1::uuid, COALESCE(max(version), 0) + 1, $2::text, $3::text, $4::text, $5::text, $6::text,
              $7::text, $8::text, $9::text, $10::text, ${NOW_MS}
       FROM template.template_versions WHERE template_id = $1::uuid
       RETURNING ${VERSION_COLUMNS}`,
      [
        templateId,
        request.subject ?? null,
        request.mjml ?? null,
        request.sms?.text ?? null,
        request.push?.title ?? null,
        request.push?.body ?? null,
        request.push?.url ?? null,
        request.inapp?.title ?? null,
        request.inapp?.body ?? null,
        request.inapp?.actionUrl ?? null,
      ],
    );
    return toVersionDetails(rows[0]);
  }
}

function toVersionDetails(row: VersionRow): TemplateVersionDetails {
  return {
    version: row.version,
    ...(row.subject !== null && row.mjml !== null ? { subject: row.subject, mjml: row.mjml } : {}),
    ...(row.sms_text !== null ? { sms: { text: row.sms_text } } : {}),
    ...(row.push_title !== null && row.push_body !== null
      ? {
          push: {
            title: row.push_title,
            body: row.push_body,
            ...(row.push_url !== null ? { url: row.push_url } : {}),
          },
        }
      : {}),
    ...(row.inapp_title !== null && row.inapp_body !== null
      ? {
          inapp: {
            title: row.inapp_title,
            body: row.inapp_body,
            ...(row.inapp_action_url !== null ? { actionUrl: row.inapp_action_url } : {}),
          },
        }
      : {}),
    createdAt: row.created_at,
  };
}
