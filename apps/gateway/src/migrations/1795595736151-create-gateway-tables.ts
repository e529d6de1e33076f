import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateGatewayTables1795595736151 implements MigrationInterface {
  name = 'CreateGatewayTables1795595736151';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.api_keys (
        id uuid PRIMARY KEY,
        tenant_id varchar(64) NOT NULL,
        name varchar(200) NOT NULL,
        key_hash char(64) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz,
        CONSTRAINT api_keys_key_hash_unique UNIQUE (key_hash)
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_tenant_id_idx ON gateway.api_keys (tenant_id)`);
    await queryRunner.query(`
      CREATE TABLE gateway.idempotency_records (
        tenant_id varchar(64) NOT NULL,
        idempotency_key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        state varchar(16) NOT NULL CHECK (state IN ('pending', 'completed')),
        response_status smallint,
        response_body jsonb,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, idempotency_key)
      )`);
    await queryRunner.query(
      `CREATE INDEX idempotency_records_expires_at_idx ON gateway.idempotency_records (expires_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE gateway.accepted_messages (
        message_id uuid PRIMARY KEY,
        tenant_id varchar(64) NOT NULL,
        accepted_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX accepted_messages_accepted_at_idx ON gateway.accepted_messages (accepted_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.accepted_messages`);
    await queryRunner.query(`DROP TABLE gateway.idempotency_records`);
    await queryRunner.query(`DROP TABLE gateway.api_keys`);
  }
}
