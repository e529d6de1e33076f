import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys gain what they may do (a role, or an explicit scope list), an optional expiry (set by
 * rotation's overlap too), the key's visible prefix, and when it was last used. Keys made before
 * roles existed could do everything, so they become owners rather than silently losing access.
 */
export class AddApiKeyRolesAndLifecycle1796500000000 implements MigrationInterface {
  name = 'AddApiKeyRolesAndLifecycle1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE gateway.api_keys
        ADD COLUMN role varchar(20),
        ADD COLUMN scopes text[],
        ADD COLUMN prefix varchar(40),
        ADD COLUMN expires_at timestamptz,
        ADD COLUMN last_used_at timestamptz,
        ADD COLUMN created_by uuid,
        ADD COLUMN rotated_to uuid`);
    await queryRunner.query(`UPDATE gateway.api_keys SET role = 'owner'`);
    await queryRunner.query(`
      ALTER TABLE gateway.api_keys
        ADD CONSTRAINT api_keys_role_or_scopes CHECK ((role IS NULL) <> (scopes IS NULL)),
        ADD CONSTRAINT api_keys_known_role
          CHECK (role IS NULL OR role IN ('owner', 'admin', 'editor', 'sender', 'viewer', 'auditor'))`);
    await queryRunner.query(
      `CREATE INDEX api_keys_tenant_created_idx ON gateway.api_keys (tenant_id, created_at, id)`,
    );
    // Replicas learn of keys made elsewhere by reading those created since they last looked.
    await queryRunner.query(`CREATE INDEX api_keys_created_idx ON gateway.api_keys (created_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX gateway.api_keys_created_idx`);
    await queryRunner.query(`DROP INDEX gateway.api_keys_tenant_created_idx`);
    await queryRunner.query(`
      ALTER TABLE gateway.api_keys
        DROP CONSTRAINT api_keys_known_role,
        DROP CONSTRAINT api_keys_role_or_scopes,
        DROP COLUMN rotated_to, DROP COLUMN created_by, DROP COLUMN last_used_at,
        DROP COLUMN expires_at, DROP COLUMN prefix, DROP COLUMN scopes, DROP COLUMN role`);
  }
}
