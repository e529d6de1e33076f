import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A decision now chooses among channels: it keeps the policy and the render request of every
 * chosen channel (the ones not used yet are the fallbacks), and a skipped message may have had no
 * single channel. Reroutes are recorded once per message and failed channel.
 */
export class AddDecisionChannelsAndReroutes1795800000000 implements MigrationInterface {
  name = 'AddDecisionChannelsAndReroutes1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE router.decisions
        ALTER COLUMN channel DROP NOT NULL,
        ALTER COLUMN address DROP NOT NULL,
        ADD COLUMN channel_policy text NOT NULL DEFAULT 'fallback' CHECK (channel_policy IN ('fallback', 'all')),
        ADD COLUMN render_requests jsonb NOT NULL DEFAULT '[]'`);
    await queryRunner.query(`
      CREATE TABLE router.reroutes (
        message_id uuid NOT NULL,
        tenant_id text NOT NULL,
        from_channel text NOT NULL,
        to_channel text NOT NULL,
        reason text NOT NULL,
        rerouted_at timestamptz NOT NULL,
        PRIMARY KEY (message_id, from_channel)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.reroutes`);
    await queryRunner.query(`
      ALTER TABLE router.decisions
        DROP COLUMN render_requests,
        DROP COLUMN channel_policy,
        ALTER COLUMN address SET NOT NULL,
        ALTER COLUMN channel SET NOT NULL`);
  }
}
