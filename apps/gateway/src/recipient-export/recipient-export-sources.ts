import {
  AnalyticsTimelineExport,
  type ExportedRouting,
  IngestMessageExportPage,
  InboxExportPage,
  RouterRecipientExport,
  RouterRoutingExport,
} from '@switchboard/contracts';
import type { z } from 'zod';
import type { InternalServiceClient } from '../internal-services/internal-service-client';

/** The services that hold parts of a person's data, each asked through its internal export route. */
export interface RecipientExportClients {
  router: InternalServiceClient;
  ingest: InternalServiceClient;
  analytics: InternalServiceClient;
  /** Absent when the gateway has no SENDER_INAPP_URL: the export then says so. */
  senderInapp?: InternalServiceClient;
}

/**
 * Reads the parts. Any answer but a success is a failure of the export (the gateway builds every
 * path and query itself, so a 4xx is a bug, not the caller's): no part is ever left out silently.
 */
export class RecipientExportSources {
  constructor(private readonly clients: RecipientExportClients) {}

  get hasInbox(): boolean {
    return this.clients.senderInapp !== undefined;
  }

  recipient(tenantId: string, recipientId: string): Promise<RouterRecipientExport> {
    return this.get(
      this.clients.router,
      RouterRecipientExport,
      `${recipientPath(tenantId, recipientId)}/export`,
    );
  }

  messages(tenantId: string, recipientId: string, cursor: string | null, limit: number) {
    return this.get(
      this.clients.ingest,
      IngestMessageExportPage,
      `${recipientPath(tenantId, recipientId)}/messages?${pageSearch(cursor, limit)}`,
    );
  }

  async routing(tenantId: string, messageIds: readonly string[]): Promise<ExportedRouting[]> {
    const answer = await this.get(
      this.clients.router,
      RouterRoutingExport,
      `${tenantPath(tenantId)}/message-routing?ids=${messageIds.join(',')}`,
    );
    return answer.messages;
  }

  timelines(tenantId: string, messageIds: readonly string[]): Promise<AnalyticsTimelineExport> {
    return this.get(
      this.clients.analytics,
      AnalyticsTimelineExport,
      `${tenantPath(tenantId)}/message-timelines?ids=${messageIds.join(',')}`,
    );
  }

  inbox(tenantId: string, recipientId: string, cursor: string | null, limit: number) {
    const client = this.clients.senderInapp;
    if (!client) throw new Error('the gateway has no SENDER_INAPP_URL to ask for the inbox');
    return this.get(
      client,
      InboxExportPage,
      `${recipientPath(tenantId, recipientId)}/inbox?${pageSearch(cursor, limit)}`,
    );
  }

  private async get<Schema extends z.ZodType<unknown>>(
    client: InternalServiceClient,
    schema: Schema,
    path: string,
  ): Promise<z.output<Schema>> {
    const answer = await client.requestChecked(schema, 'GET', path);
    if (answer.status !== 200) throw client.failed(`answered ${answer.status} to an export`);
    return answer.body as z.output<Schema>;
  }
}

function tenantPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}`;
}

function recipientPath(tenantId: string, recipientId: string): string {
  return `${tenantPath(tenantId)}/recipients/${encodeURIComponent(recipientId)}`;
}

function pageSearch(cursor: string | null, limit: number): string {
  const search = new URLSearchParams({ limit: String(limit) });
  if (cursor !== null) search.set('cursor', cursor);
  return search.toString();
}
