import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateIngestMessagesAndTriggers1795595937123 implements MigrationInterface {
  name = 'CreateIngestMessagesAndTriggers1795595937123';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE ingest.messages (
        message_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        source text NOT NULL CHECK (source IN ('http', 'upstream')),
        idempotency_key text,
        recipient jsonb NOT NULL,
        content jsonb NOT NULL,
        priority text NOT NULL,
        send_at timestamptz,
        accepted_at timestamptz NOT NULL,
        upstream_topic text,
        upstream_partition integer,
        upstream_offset bigint,
        CONSTRAINT messages_idempotency_key UNIQUE (tenant_id, source, idempotency_key)
      )`);
    await queryRunner.query(`
      CREATE TABLE ingest.triggers (
        tenant_id text NOT NULL,
        event_type text NOT NULL,
        template_key text NOT NULL,
        channel text NOT NULL DEFAULT 'email' CHECK (channel = 'email'),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, event_type)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ingest.triggers`);
    await queryRunner.query(`DROP TABLE ingest.messages`);
  }
}
