import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push subscription endpoints are stored encrypted (a fresh nonce each time), so they are found by
 * the blind index of the endpoint instead. Rows written before are indexed by the start-up rewrite
 * (EncryptPlaintextRecipients); until then their index is null, which a unique index allows.
 * The unique index on the plaintext endpoint stays while replicas of the previous version may still
 * be running (their upsert names it); over ciphertexts it never conflicts.
 */
export class AddPushSubscriptionEndpointIndex1796720000000 implements MigrationInterface {
  name = 'AddPushSubscriptionEndpointIndex1796720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE router.push_subscriptions ADD COLUMN endpoint_index text`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX push_subscriptions_endpoint_index
       ON router.push_subscriptions (tenant_id, endpoint_index)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX router.push_subscriptions_endpoint_index`);
    await queryRunner.query(`ALTER TABLE router.push_subscriptions DROP COLUMN endpoint_index`);
  }
}
