import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A decision's address and render requests are stored sealed, with the recipient's data key when
 * the message names a recipient id: erasure finds that person's decisions by this column instead
 * of by their address. Null for a message addressed without an id, and on rows written before.
 */
export class AddDecisionRecipientId1796750000000 implements MigrationInterface {
  name = 'AddDecisionRecipientId1796750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE router.decisions ADD COLUMN recipient_id text`);
    await queryRunner.query(
      `CREATE INDEX decisions_by_recipient ON router.decisions (tenant_id, recipient_id) WHERE recipient_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX router.decisions_by_recipient`);
    await queryRunner.query(`ALTER TABLE router.decisions DROP COLUMN recipient_id`);
  }
}
