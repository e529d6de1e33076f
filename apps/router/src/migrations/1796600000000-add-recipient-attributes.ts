import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddRecipientAttributes1796600000000 implements MigrationInterface {
  name = 'AddRecipientAttributes1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE router.recipients ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE router.recipients DROP COLUMN attributes`);
  }
}
