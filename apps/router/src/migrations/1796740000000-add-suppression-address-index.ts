import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Suppressed addresses are stored encrypted (a fresh nonce each time), so they are found by the
 * blind index of the address instead. Rows written before are indexed and encrypted by the
 * start-up rewrite (EncryptPlaintextSuppressions); until then their index is null, which the unique
 * index allows, and they are found by the plaintext through the partial index. The unique index on
 * the plaintext address stays while replicas of the previous version may still be running (their
 * insert names it); over ciphertexts it never conflicts.
 */
export class AddSuppressionAddressIndex1796740000000 implements MigrationInterface {
  name = 'AddSuppressionAddressIndex1796740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE router.suppressions ADD COLUMN address_index text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX suppressions_address_index
       ON router.suppressions (tenant_id, channel, address_index, coalesce(category, ''))`,
    );
    await queryRunner.query(
      `CREATE INDEX suppressions_plaintext_address
       ON router.suppressions (tenant_id, channel, lower(address)) WHERE address_index IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX router.suppressions_plaintext_address`);
    await queryRunner.query(`DROP INDEX router.suppressions_address_index`);
    await queryRunner.query(`ALTER TABLE router.suppressions DROP COLUMN address_index`);
  }
}
