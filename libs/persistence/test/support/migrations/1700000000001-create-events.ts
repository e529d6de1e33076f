import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './schema-of';

export class CreateEvents1700000000001 implements MigrationInterface {
  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(
      `CREATE TABLE "${schema}"."events" (
        "source" text NOT NULL,
        "sequence" integer NOT NULL,
        "kind" text NOT NULL,
        "payload" jsonb NOT NULL,
        "amount" numeric(12, 2) NOT NULL,
        "recorded_at" timestamptz NOT NULL,
        "note" text,
        CONSTRAINT "events_pkey" PRIMARY KEY ("source", "sequence")
      )`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "${schemaOf(queryRunner)}"."events"`);
  }
}
