import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAnalyticsTimeline1795595431377 implements MigrationInterface {
  name = 'CreateAnalyticsTimeline1795595431377';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE analytics.delivery_events (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        message_id uuid NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        source text NOT NULL,
        channel text,
        provider text,
        reason text,
        detail jsonb,
        CONSTRAINT delivery_events_once UNIQUE (message_id, type, source, occurred_at)
      )`);
    await queryRunner.query(`
      CREATE TABLE analytics.message_status (
        message_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        status text NOT NULL,
        status_rank smallint NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.message_status`);
    await queryRunner.query(`DROP TABLE analytics.delivery_events`);
  }
}
