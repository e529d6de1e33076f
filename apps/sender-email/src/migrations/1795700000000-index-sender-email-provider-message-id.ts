import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IndexSenderEmailProviderMessageId1795700000000 implements MigrationInterface {
  name = 'IndexSenderEmailProviderMessageId1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX deliveries_provider_message_id ON sender_email.deliveries (provider_message_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX sender_email.deliveries_provider_message_id`);
  }
}
