import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A deferred message can be cancelled before its release; a cancellation that arrives before the
 * router has decided on the message is kept until it does. Recurring schedules send a message at
 * each run of a cron expression.
 */
export class AddCancellationsAndRecurringSchedules1796500000000 implements MigrationInterface {
  name = 'AddCancellationsAndRecurringSchedules1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE router.schedules ADD COLUMN cancelled_at timestamptz`);
    // Keyed by tenant too: another tenant naming the same message id must not take its place.
    await queryRunner.query(`
      CREATE TABLE router.cancellations (
        tenant_id text NOT NULL,
        message_id uuid NOT NULL,
        cancelled_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, message_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE router.recurring_schedules (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        name text,
        cron text NOT NULL,
        time_zone text NOT NULL,
        message jsonb NOT NULL,
        tolerance_seconds integer NOT NULL,
        start_at timestamptz,
        end_at timestamptz,
        status text NOT NULL CHECK (status IN ('active', 'paused')),
        next_run_at timestamptz,
        last_run_at timestamptz,
        skipped_runs integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // The poller's one query per tick: active schedules with a run due.
    await queryRunner.query(
      `CREATE INDEX recurring_schedules_due ON router.recurring_schedules (next_run_at)
       WHERE status = 'active' AND next_run_at IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX recurring_schedules_tenant ON router.recurring_schedules (tenant_id, created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE router.recurring_schedules`);
    await queryRunner.query(`DROP TABLE router.cancellations`);
    await queryRunner.query(`ALTER TABLE router.schedules DROP COLUMN cancelled_at`);
  }
}
