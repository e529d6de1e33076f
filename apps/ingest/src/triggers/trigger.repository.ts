import { Injectable } from '@nestjs/common';
import type { CreateTriggerRequest } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { type Trigger, TriggerStore } from './trigger';

interface TriggerRow {
  tenant_id: string;
  event_type: string;
  template_key: string;
  channel: 'email';
  message_type: string | null;
  created_at: Date;
}

const COLUMNS = 'tenant_id, event_type, template_key, channel, message_type, created_at';

@Injectable()
export class TriggerRepository extends TriggerStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async create(tenantId: string, request: CreateTriggerRequest): Promise<Trigger | undefined> {
    const rows: TriggerRow[] = await this.dataSource.query(
      `INSERT INTO ingest.triggers (tenant_id, event_type, template_key, channel, message_type)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (tenant_id, event_type) DO NOTHING
       RETURNING ${COLUMNS}`,
      [tenantId, request.eventType, request.templateKey, request.channel, request.messageType ?? null],
    );
    return rows.length === 0 ? undefined : fromRow(rows[0]);
  }

  async listForTenants(tenantIds: string[]): Promise<Trigger[]> {
    const rows: TriggerRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM ingest.triggers WHERE tenant_id = ANY($1::text[])`,
      [tenantIds],
    );
    return rows.map(fromRow);
  }
}

function fromRow(row: TriggerRow): Trigger {
  return {
    tenantId: row.tenant_id,
    eventType: row.event_type,
    templateKey: row.template_key,
    channel: row.channel,
    messageType: row.message_type,
    createdAt: row.created_at,
  };
}
