import { Injectable } from '@nestjs/common';
import type { ChannelName, CreateSuppressionRequest } from '@switchboard/contracts';
import { DataSource } from 'typeorm';
import {
  type NewSuppression,
  type Suppression,
  type SuppressionLookup,
  SuppressionStore,
} from './suppression';

interface SuppressionRow {
  tenant_id: string;
  channel: ChannelName;
  address: string;
  reason: string;
  created_at: Date;
}

const COLUMNS = 'tenant_id, channel, address, reason, created_at';

@Injectable()
export class PgSuppressionStore extends SuppressionStore {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async add(
    tenantId: string,
    request: CreateSuppressionRequest,
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const created: SuppressionRow[] = await this.dataSource.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, reason)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant_id, channel, lower(address)) DO NOTHING
       RETURNING ${COLUMNS}`,
      [tenantId, request.channel, request.address, request.reason],
    );
    if (created.length > 0) return { suppression: fromRow(created[0]), created: true };
    const [existing] = await this.findFor([{ tenantId, channel: request.channel, address: request.address }]);
    if (!existing)
      throw new Error('the suppression was neither inserted nor found; was it deleted meanwhile?');
    return { suppression: existing, created: false };
  }

  async addMany(suppressions: readonly NewSuppression[]): Promise<number> {
    if (suppressions.length === 0) return 0;
    const created: Array<{ address: string }> = await this.dataSource.query(
      `INSERT INTO router.suppressions (tenant_id, channel, address, reason)
       SELECT wanted.tenant_id, wanted.channel, wanted.address, wanted.reason
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS wanted(tenant_id, channel, address, reason)
       ON CONFLICT (tenant_id, channel, lower(address)) DO NOTHING
       RETURNING address`,
      [
        suppressions.map((suppression) => suppression.tenantId),
        suppressions.map((suppression) => suppression.channel),
        suppressions.map((suppression) => suppression.address),
        suppressions.map((suppression) => suppression.reason),
      ],
    );
    return created.length;
  }

  async findFor(lookups: SuppressionLookup[]): Promise<Suppression[]> {
    if (lookups.length === 0) return [];
    const rows: SuppressionRow[] = await this.dataSource.query(
      `SELECT DISTINCT s.tenant_id, s.channel, s.address, s.reason, s.created_at
       FROM router.suppressions s
       JOIN unnest($1::text[], $2::text[], $3::text[]) AS wanted(tenant_id, channel, address)
         ON s.tenant_id = wanted.tenant_id AND s.channel = wanted.channel AND lower(s.address) = lower(wanted.address)`,
      [
        lookups.map((lookup) => lookup.tenantId),
        lookups.map((lookup) => lookup.channel),
        lookups.map((lookup) => lookup.address),
      ],
    );
    return rows.map(fromRow);
  }
}

function fromRow(row: SuppressionRow): Suppression {
  return {
    tenantId: row.tenant_id,
    channel: row.channel,
    address: row.address,
    reason: row.reason,
    createdAt: row.created_at,
  };
}
