import { Injectable } from '@nestjs/common';
import type { ErasingService, RecipientErasureConfirmed } from '@switchboard/contracts';
import { DataSource } from 'typeorm';

export interface StoredErasure {
  erasureId: string;
  tenantId: string;
  requestId: string;
  requestedAt: Date;
  /** Services that confirmed their part complete, with when. */
  confirmed: Map<ErasingService, Date>;
  /** Messages ingest erased. */
  erasedMessages: number;
  /** Of those, the ones whose history analytics scrubbed, and when the last was. */
  scrubbedMessages: number;
  lastScrubbedAt: Date | null;
}

/** The gateway's record of erasures and their confirmations (its own tables). */
@Injectable()
export class ErasureRepository {
  constructor(private readonly dataSource: DataSource) {}

  async create(erasure: { erasureId: string; tenantId: string; requestId: string; requestedAt: Date }) {
    await this.dataSource.query(
      `INSERT INTO gateway.erasures (erasure_id, tenant_id, request_id, requested_at) VALUES ($1, $2, $3, $4)`,
      [erasure.erasureId, erasure.tenantId, erasure.requestId, erasure.requestedAt],
    );
  }

  /**
   * Records confirmations in two statements whatever their number; repeated ones change nothing.
   * One naming an erasure this gateway does not know (another deployment's) is passed over. The
   * messages go first: a service's completion read without the messages it confirmed with it in
   * the same batch would make the erasure look complete with nothing erased.
   */
  async recordConfirmations(confirmations: readonly RecipientErasureConfirmed[]): Promise<void> {
    const messages = confirmations.flatMap((confirmation) =>
      confirmation.messageIds.map((messageId) => ({ ...confirmation, messageId })),
    );
    if (messages.length > 0) {
      await this.dataSource.query(
        `INSERT INTO gateway.erasure_messages (erasure_id, service, message_id, confirmed_at)
         SELECT m.erasure_id, m.service, m.message_id, m.confirmed_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::uuid[], $5::timestamptz[])
           AS m(erasure_id, tenant_id, service, message_id, confirmed_at)
         JOIN gateway.erasures e ON e.erasure_id = m.erasure_id AND e.tenant_id = m.tenant_id
         ON CONFLICT (erasure_id, service, message_id) DO NOTHING`,
        [
          messages.map((message) => message.erasureId),
          messages.map((message) => message.tenantId),
          messages.map((message) => message.service),
          messages.map((message) => message.messageId),
          messages.map((message) => message.confirmedAt),
        ],
      );
    }
    const complete = confirmations.filter((confirmation) => confirmation.complete);
    if (complete.length > 0) {
      await this.dataSource.query(
        `INSERT INTO gateway.erasure_confirmations (erasure_id, service, confirmed_at)
         SELECT c.erasure_id, c.service, c.confirmed_at
         FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[]) AS c(erasure_id, tenant_id, service, confirmed_at)
         JOIN gateway.erasures e ON e.erasure_id = c.erasure_id AND e.tenant_id = c.tenant_id
         ON CONFLICT (erasure_id, service) DO NOTHING`,
        [
          complete.map((confirmation) => confirmation.erasureId),
          complete.map((confirmation) => confirmation.tenantId),
          complete.map((confirmation) => confirmation.service),
          complete.map((confirmation) => confirmation.confirmedAt),
        ],
      );
    }
  }

  async find(tenantId: string, erasureId: string): Promise<StoredErasure | undefined> {
    const [erasure]: Array<{ request_id: string; requested_at: Date }> = await this.dataSource.query(
      `SELECT request_id, requested_at FROM gateway.erasures WHERE tenant_id = $1 AND erasure_id = $2`,
      [tenantId, erasureId],
    );
    if (erasure === undefined) return undefined;
    const confirmations: Array<{ service: ErasingService; confirmed_at: Date }> = await this.dataSource.query(
      `SELECT service, confirmed_at FROM gateway.erasure_confirmations WHERE erasure_id = $1`,
      [erasureId],
    );
    const [messages]: Array<{ erased: number; scrubbed: number; last_scrubbed_at: Date | null }> =
      await this.dataSource.query(
        `SELECT count(*)::int AS erased,
                count(scrubbed.message_id)::int AS scrubbed,
                max(scrubbed.confirmed_at) AS last_scrubbed_at
         FROM gateway.erasure_messages erased
         LEFT JOIN gateway.erasure_messages scrubbed
           ON scrubbed.erasure_id = erased.erasure_id AND scrubbed.message_id = erased.message_id
          AND scrubbed.service = 'analytics'
         WHERE erased.erasure_id = $1 AND erased.service = 'ingest'`,
        [erasureId],
      );
    return {
      erasureId,
      tenantId,
      requestId: erasure.request_id,
      requestedAt: erasure.requested_at,
      confirmed: new Map(confirmations.map((row) => [row.service, row.confirmed_at])),
      erasedMessages: messages?.erased ?? 0,
      scrubbedMessages: messages?.scrubbed ?? 0,
      lastScrubbedAt: messages?.last_scrubbed_at ?? null,
    };
  }
}
