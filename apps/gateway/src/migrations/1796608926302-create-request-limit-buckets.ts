import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The buckets of the per key and per tenant request limits, one row each, shared by every gateway
 * replica. The table of sharedRateLimiterTableSql('gateway'), written out so that this migration
 * stays as it ran even if the helper changes.
 */
export class CreateRequestLimitBuckets1796608926302 implements MigrationInterface {
  name = 'CreateRequestLimitBuckets1796608926302';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS "gateway"."rate_limit_buckets" (
        bucket_key text PRIMARY KEY,
        tokens double precision NOT NULL,
        refilled_at timestamptz NOT NULL,
        granted_by_last_take integer NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS "gateway"."rate_limit_buckets"`);
  }
}
