import { Injectable } from '@nestjs/common';
import { SendingSettings } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import { SendingSettingsStore, type StoredSendingSettings } from './sending-settings';

interface SendingSettingsRow {
  tenant_id: string;
  settings: unknown;
  updated_at: Date;
}

const COLUMNS = 'tenant_id, settings, updated_at';

@Injectable()
export class SendingSettingsRepository extends SendingSettingsStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async find(tenantId: string): Promise<StoredSendingSettings | undefined> {
    const [stored] = await this.listForTenants([tenantId]);
    return stored;
  }

  async put(tenantId: string, settings: SendingSettings): Promise<StoredSendingSettings> {
    const [row]: SendingSettingsRow[] = await this.dataSource.query(
      `INSERT INTO router.sending_settings (tenant_id, settings)
       VALUES ($1, $2)
       ON CONFLICT (tenant_id) DO UPDATE SET settings = EXCLUDED.settings, updated_at = now()
       RETURNING ${COLUMNS}`,
      [tenantId, JSON.stringify(settings)],
    );
    return fromRow(row);
  }

  async listForTenants(tenantIds: readonly string[]): Promise<StoredSendingSettings[]> {
    if (tenantIds.length === 0) return [];
    const rows: SendingSettingsRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM router.sending_settings WHERE tenant_id = ANY($1::text[])`,
      [tenantIds],
    );
    return rows.map(fromRow);
  }
}

function fromRow(row: SendingSettingsRow): StoredSendingSettings {
  return {
    tenantId: row.tenant_id,
    // Parsed on the way out too: a setting added to the contract later takes its default here.
    settings: SendingSettings.parse(row.settings),
    updatedAt: row.updated_at,
  };
}
