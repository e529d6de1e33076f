import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateDeadLetters1795690000000 implements MigrationInterface {
  name = 'CreateDeadLetters1795690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A redelivered dead letter names the same original record, so it is stored once.
    await queryRunner.query(`
      CREATE TABLE analytics.dead_letters (
        id bigserial PRIMARY KEY,
        tenant_id text,
        message_id text,
        original_topic text NOT NULL,
        original_partition integer NOT NULL,
        original_offset bigint NOT NULL,
        reason text NOT NULL,
        attempts integer NOT NULL,
        record_key bytea,
        headers jsonb NOT NULL,
        payload bytea,
        parked_at timestamptz NOT NULL,
        redriven_at timestamptz,
        CONSTRAINT dead_letters_once UNIQUE (original_topic, original_partition, original_offset)
      )`);
    // The list: one tenant's dead letters, newest first.
    await queryRunner.query(`
      CREATE INDEX dead_letters_by_tenant ON analytics.dead_letters (tenant_id, parked_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE analytics.dead_letters`);
  }
}
