import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { IdempotencyState } from './idempotency-record';

@Entity({ schema: 'gateway', name: 'idempotency_records' })
export class IdempotencyRecordEntity {
  @PrimaryColumn({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId!: string;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  idempotencyKey!: string;

  /**
   * Keyed fingerprint (HMAC, see IdempotencyEncryption) of the route and canonical body of the
   * first request; the unkeyed sha256 in records written before it.
   */
  @Column({ name: 'request_hash', type: 'varchar', length: 64 })
  requestHash!: string;

  @Column({ type: 'varchar', length: 16 })
  state!: IdempotencyState;

  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus!: number | null;

  /** The answer encrypted with the tenant's data key (a jsonb string); plaintext in older records. */
  @Column({ name: 'response_body', type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;
}
