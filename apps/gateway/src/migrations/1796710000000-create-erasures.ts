import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Erasures asked for and what each service confirmed of them. No personal data: not even the
 * recipient id, which is the tenant's name for the person; the request id links to the audit log.
 */
export class CreateErasures1796710000000 implements MigrationInterface {
  name = 'CreateErasures1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.erasures (
        erasure_id uuid PRIMARY KEY,
        tenant_id varchar(64) NOT NULL,
        request_id varchar(128) NOT NULL,
        requested_at timestamptz NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE gateway.erasure_confirmations (
        erasure_id uuid NOT NULL REFERENCES gateway.erasures (erasure_id),
        service varchar(32) NOT NULL,
        confirmed_at timestamptz NOT NULL,
        PRIMARY KEY (erasure_id, service)
      )`);
    // The messages ingest erased, and those whose history analytics scrubbed, to compare.
    await queryRunner.query(`
      CREATE TABLE gateway.erasure_messages (
        erasure_id uuid NOT NULL REFERENCES gateway.erasures (erasure_id),
        service varchar(32) NOT NULL,
        message_id uuid NOT NULL,
        confirmed_at timestamptz NOT NULL,
        PRIMARY KEY (erasure_id, service, message_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.erasure_messages`);
    await queryRunner.query(`DROP TABLE gateway.erasure_confirmations`);
    await queryRunner.query(`DROP TABLE gateway.erasures`);
  }
}
