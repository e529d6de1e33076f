import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { CreateTemplateRequest, CreateTemplateVersionRequest } from '@switchboard/contracts';
import { DataSource, type EntityManager } from 'typeorm';
import type { TemplateVersionLoader } from '../rendering/template-version-cache';
import type { TemplateVersionRecord } from '../rendering/version-at';

export interface TemplateSummary {
  key: string;
  name: string;
  channel: 'email';
  currentVersion: number;
  createdAt: Date;
}

export interface TemplateVersionDetails {
  version: number;
  subject: string;
  mjml: string;
  createdAt: Date;
}

export interface TemplateDetails extends TemplateSummary {
  versions: TemplateVersionDetails[];
}

// Millisecond precision, like the acceptance times it is compared with: a message accepted in
// the same millisecond as a version was created renders with that version.
const NOW_MS = `date_trunc('milliseconds', clock_timestamp())`;

interface VersionRow {
  version: number;
  subject: string;
  mjml: string;
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
        channel: 'email' as const,
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
    const rows: Array<{
      key: string;
      name: string;
      channel: 'email';
      created_at: Date;
      current_version: number;
    }> = await this.dataSource.query(
      `SELECT t.key, t.name, t.channel, t.created_at,
                (SELECT max(v.version) FROM template.template_versions v WHERE v.template_id = t.id) AS current_version
         FROM template.templates t
         WHERE t.tenant_id = $1
         ORDER BY t.key`,
      [tenantId],
    );
    return rows.map((row) => ({
      key: row.key,
      name: row.name,
      channel: row.channel,
      currentVersion: Number(row.current_version),
      createdAt: row.created_at,
    }));
  }

  async find(tenantId: string, key: string): Promise<TemplateDetails | undefined> {
    const templates: Array<{ id: string; name: string; channel: 'email'; created_at: Date }> =
      await this.dataSource.query(
        `SELECT id, name, channel, created_at FROM template.templates WHERE tenant_id = $1 AND key = $2`,
        [tenantId, key],
      );
    if (templates.length === 0) return undefined;
    const [template] = templates;
    const rows: VersionRow[] = await this.dataSource.query(
      `SELECT version, subject, mjml, created_at FROM template.template_versions
       WHERE template_id = $1 ORDER BY version`,
      [template.id],
    );
    const versions = rows.map(toVersionDetails);
    return {
      key,
      name: template.name,
      channel: template.channel,
      currentVersion: versions[versions.length - 1].version,
      createdAt: template.created_at,
      versions,
    };
  }

  async loadVersions(tenantId: string, templateKey: string): Promise<TemplateVersionRecord[]> {
    const rows: Array<VersionRow & { template_id: string }> = await this.dataSource.query(
      `SELECT v.template_id, v.version, v.subject, v.mjml, v.created_at
       FROM template.templates t JOIN template.template_versions v ON v.template_id = t.id
       WHERE t.tenant_id = $1 AND t.key = $2`,
      [tenantId, templateKey],
    );
    return rows.map((row) => ({
      templateId: row.template_id,
      templateKey,
      version: row.version,
      subject: row.subject,
      mjml: row.mjml,
      createdAt: row.created_at,
    }));
  }

  private async insertNextVersion(
    manager: EntityManager,
    templateId: string,
    request: CreateTemplateVersionRequest,
  ): Promise<TemplateVersionDetails> {
    const rows: VersionRow[] = await manager.query(
      `INSERT INTO template.template_versions (template_id, version, subject, mjml, created_at)
       SELECT $1::uuid, COALESCE(max(version), 0) + 1, $2::text, $3::text, ${NOW_MS}
       FROM template.template_versions WHERE template_id = $1::uuid
       RETURNING version, subject, mjml, created_at`,
      [templateId, request.subject, request.mjml],
    );
    return toVersionDetails(rows[0]);
  }
}

function toVersionDetails(row: VersionRow): TemplateVersionDetails {
  return { version: row.version, subject: row.subject, mjml: row.mjml, createdAt: row.created_at };
}
