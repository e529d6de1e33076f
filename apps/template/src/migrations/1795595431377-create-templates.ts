import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTemplates1795595431377 implements MigrationInterface {
  name = 'CreateTemplates1795595431377';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE template.templates (
        id uuid PRIMARY KEY,
        tenant_id text NOT NULL,
        key text NOT NULL,
        name text NOT NULL,
        channel text NOT NULL DEFAULT 'email' CHECK (channel = 'email'),
        created_at timestamptz NOT NULL,
        CONSTRAINT templates_key_per_tenant UNIQUE (tenant_id, key)
      )`);
    // Versions are immutable: there is no update path, only the next version number.
    await queryRunner.query(`
      CREATE TABLE template.template_versions (
        template_id uuid NOT NULL REFERENCES template.templates (id),
        version integer NOT NULL CHECK (version > 0),
        subject text NOT NULL,
        mjml text NOT NULL,
        created_at timestamptz NOT NULL,
        PRIMARY KEY (template_id, version)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE template.template_versions`);
    await queryRunner.query(`DROP TABLE template.templates`);
  }
}
