import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AddChannelParts1795607366135 implements MigrationInterface {
  name = 'AddChannelParts1795607366135';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE template.templates
        DROP CONSTRAINT templates_channel_check,
        ADD CONSTRAINT templates_channel_check CHECK (channel IN ('email', 'sms', 'push', 'inapp'))`);
    // A version has a part per channel it serves; subject + mjml, the email part, became optional.
    await queryRunner.query(`
      ALTER TABLE template.template_versions
        ALTER COLUMN subject DROP NOT NULL,
        ALTER COLUMN mjml DROP NOT NULL,
        ADD COLUMN sms_text text,
        ADD COLUMN push_title text,
        ADD COLUMN push_body text,
        ADD COLUMN push_url text,
        ADD COLUMN inapp_title text,
        ADD COLUMN inapp_body text,
        ADD COLUMN inapp_action_url text,
        ADD CONSTRAINT template_versions_email_part CHECK ((subject IS NULL) = (mjml IS NULL)),
        ADD CONSTRAINT template_versions_push_part
          CHECK ((push_title IS NULL) = (push_body IS NULL) AND (push_url IS NULL OR push_title IS NOT NULL)),
        ADD CONSTRAINT template_versions_inapp_part
          CHECK ((inapp_title IS NULL) = (inapp_body IS NULL) AND (inapp_action_url IS NULL OR inapp_title IS NOT NULL)),
        ADD CONSTRAINT template_versions_some_part
          CHECK (subject IS NOT NULL OR sms_text IS NOT NULL OR push_title IS NOT NULL OR inapp_title IS NOT NULL)`);
  }

  // Fails, rather than deleting them, while templates without an email part exist.
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE template.template_versions
        DROP CONSTRAINT template_versions_some_part,
        DROP CONSTRAINT template_versions_inapp_part,
        DROP CONSTRAINT template_versions_push_part,
        DROP CONSTRAINT template_versions_email_part,
        DROP COLUMN inapp_action_url,
        DROP COLUMN inapp_body,
        DROP COLUMN inapp_title,
        DROP COLUMN push_url,
        DROP COLUMN push_body,
        DROP COLUMN push_title,
        DROP COLUMN sms_text,
        ALTER COLUMN mjml SET NOT NULL,
        ALTER COLUMN subject SET NOT NULL`);
    await queryRunner.query(`
      ALTER TABLE template.templates
        DROP CONSTRAINT templates_channel_check,
        ADD CONSTRAINT templates_channel_check CHECK (channel = 'email')`);
  }
}
