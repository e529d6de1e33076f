import { Injectable } from '@nestjs/common';
import { MessageTypeDefinition } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { type MessageType, MessageTypeStore } from './message-type';

interface MessageTypeRow {
  tenant_id: string;
  key: string;
  definition: unknown;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'tenant_id, key, definition, created_at, updated_at';

@Injectable()
export class MessageTypeRepository extends MessageTypeStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async create(
    tenantId: string,
    key: string,
    definition: MessageTypeDefinition,
  ): Promise<MessageType | undefined> {
    const rows: MessageTypeRow[] = await this.dataSource.query(
      `INSERT INTO router.message_types (tenant_id, key, definition)
       VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, key) DO NOTHING
       RETURNING ${COLUMNS}`,
      [tenantId, key, JSON.stringify(definition)],
    );
    return rows.length === 0 ? undefined : fromRow(rows[0]);
  }

  async put(
    tenantId: string,
    key: string,
    definition: MessageTypeDefinition,
  ): Promise<{ messageType: MessageType; created: boolean }> {
    // xmax is 0 only on a row this statement inserted.
    const [row]: Array<MessageTypeRow & { created: boolean }> = await this.dataSource.query(
      `INSERT INTO router.message_types (tenant_id, key, definition)
       VALUES ($1, $2, $3)
       ON CONFLICT (tenant_id, key) DO UPDATE SET definition = EXCLUDED.definition, updated_at = now()
       RETURNING ${COLUMNS}, (xmax = 0) AS created`,
      [tenantId, key, JSON.stringify(definition)],
    );
    return { messageType: fromRow(row), created: row.created };
  }

  async find(tenantId: string, key: string): Promise<MessageType | undefined> {
    const rows: MessageTypeRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.message_types WHERE tenant_id = $1 AND key = $2`,
      [tenantId, key],
    );
    return rows.length === 0 ? undefined : fromRow(rows[0]);
  }

  async listForTenants(tenantIds: readonly string[]): Promise<MessageType[]> {
    if (tenantIds.length === 0) return [];
    const rows: MessageTypeRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.message_types WHERE tenant_id = ANY($1::text[]) ORDER BY tenant_id, key`,
      [tenantIds],
    );
    return rows.map(fromRow);
  }
}

function fromRow(row: MessageTypeRow): MessageType {
  return {
    tenantId: row.tenant_id,
    key: row.key,
    // Parsed on the way out too: a field added to the contract later takes its default here.
    definition: MessageTypeDefinition.parse(row.definition),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
