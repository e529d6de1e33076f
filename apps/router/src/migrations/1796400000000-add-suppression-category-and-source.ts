import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A suppression may hold for one category only (null: every category), and says what added it,
 * so that an SMS START lifts the person's own STOP and never a bounce. An address is unique per
 * category. The list is read newest first by id.
 */
export class AddSuppressionCategoryAndSource1796400000000 implements MigrationInterface {
  name = 'AddSuppressionCategoryAndSource1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE router.suppressions
        ADD COLUMN category text,
        ADD COLUMN source text NOT NULL DEFAULT 'api'
          CHECK (source IN ('api', 'bounce', 'complaint', 'sms-reply', 'unsubscribe'))`);
    // Until now only the tenant's API and the email receipts added suppressions; the receipts
    // wrote their reasons as 'bounce: ...' and 'complaint' or 'complaint: ...'.
    await queryRunner.query(`
      UPDATE router.suppressions
      SET source = CASE WHEN reason LIKE 'bounce:%' THEN 'bounce' ELSE 'complaint' END
      WHERE reason LIKE 'bounce:%' OR reason = 'complaint' OR reason LIKE 'complaint:%'`);
    await queryRunner.query(`DROP INDEX router.suppressions_address`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX suppressions_address ON router.suppressions (tenant_id, channel, lower(address), coalesce(category, ''))`,
    );
    await queryRunner.query(`CREATE INDEX suppressions_newest ON router.suppressions (tenant_id, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX router.suppressions_newest`);
    await queryRunner.query(`DROP INDEX router.suppressions_address`);
    // The old index allows one suppression per address: the one for every category, else the oldest.
    await queryRunner.query(`
      DELETE FROM router.suppressions s
      USING router.suppressions kept
      WHERE kept.tenant_id = s.tenant_id AND kept.channel = s.channel
        AND lower(kept.address) = lower(s.address) AND kept.id <> s.id
        AND ((kept.category IS NULL AND s.category IS NOT NULL)
          OR ((kept.category IS NULL) = (s.category IS NULL) AND kept.id < s.id))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX suppressions_address ON router.suppressions (tenant_id, channel, lower(address))`,
    );
    await queryRunner.query(`ALTER TABLE router.suppressions DROP COLUMN source, DROP COLUMN category`);
  }
}
