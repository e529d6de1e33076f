import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateReceivedSnsMessages1795604929284 implements MigrationInterface {
  name = 'CreateReceivedSnsMessages1795604929284';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.received_sns_messages (
        message_id varchar(200) PRIMARY KEY,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX received_sns_messages_created_at_idx ON gateway.received_sns_messages (created_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.received_sns_messages`);
  }
}
