import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRouterDecisionsSuppressionsSchedules1795595937123 implements MigrationInterface {
  name = 'CreateRouterDecisionsSuppressionsSchedules1795595937123';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE router.decisions (
        message_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('routed', 'skipped', 'deferred')),
        reason text,
        channel text NOT NULL,
        address text NOT NULL,
        decided_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE router.suppressions (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL,
        channel text NOT NULL,
        address text NOT NULL,
        reason text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX suppressions_address ON router.suppressions (tenant_id, channel, lower(address))`,
    );
    await queryRunner.query(`
      CREATE TABLE router.schedules (
        message_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        due_at timestamptz NOT NULL,
        payload jsonb NOT NULL,
        released_at timestamptz
      )`);
    // The poller only ever looks for due schedules that are still waiting.
    await queryRunner.query(
      `CREATE INDEX schedules_waiting ON router.schedules (due_at) WHERE released_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.schedules`);
    await queryRunner.query(`DROP TABLE router.suppressions`);
    await queryRunner.query(`DROP TABLE router.decisions`);
  }
}
