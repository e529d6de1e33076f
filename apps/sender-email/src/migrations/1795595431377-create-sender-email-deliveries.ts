import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSenderEmailDeliveries1795595431377 implements MigrationInterface {
  name = 'CreateSenderEmailDeliveries1795595431377';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sender_email.deliveries (
        message_id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        status text NOT NULL CHECK (status IN ('sending', 'sent', 'failed')),
        provider text NOT NULL,
        provider_message_id text,
        reason text,
        attempts integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sender_email.deliveries`);
  }
}
