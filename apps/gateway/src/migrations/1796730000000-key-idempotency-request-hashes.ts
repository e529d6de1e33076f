import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Request fingerprints become keyed HMACs, shorter than the 64 hex characters of the unkeyed
 * sha256 they replace: varchar, so that they are not padded with blanks. Existing hashes are kept
 * (still matched until they expire).
 */
export class KeyIdempotencyRequestHashes1796730000000 implements MigrationInterface {
  name = 'KeyIdempotencyRequestHashes1796730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE gateway.idempotency_records ALTER COLUMN request_hash TYPE varchar(64)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE gateway.idempotency_records ALTER COLUMN request_hash TYPE char(64)`,
    );
  }
}
