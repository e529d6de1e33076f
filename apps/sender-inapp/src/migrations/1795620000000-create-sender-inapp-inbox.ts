import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateSenderInappInbox1795620000000 implements MigrationInterface {
  name = 'CreateSenderInappInbox1795620000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sender_inapp.inbox_items (
        tenant_id text NOT NULL,
        message_id uuid NOT NULL,
        recipient_id text NOT NULL,
        sequence bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        title text NOT NULL,
        body text NOT NULL,
        action_url text,
        data jsonb,
        created_at timestamptz NOT NULL,
        read_at timestamptz,
        first_read_at timestamptz,
        archived_at timestamptz,
        PRIMARY KEY (tenant_id, message_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX inbox_items_by_recipient ON sender_inapp.inbox_items (tenant_id, recipient_id, sequence)`,
    );
    // The badge count is asked for often and only counts unread items still in the inbox.
    await queryRunner.query(
      `CREATE INDEX inbox_items_unread ON sender_inapp.inbox_items (tenant_id, recipient_id)
       WHERE read_at IS NULL AND archived_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sender_inapp.inbox_items`);
  }
}
