import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Immutable: a change to a template is a new version, never an update. */
@Entity({ schema: 'template', name: 'template_versions' })
export class TemplateVersionEntity {
  @PrimaryColumn('uuid', { name: 'template_id' })
  templateId!: string;

  @PrimaryColumn('integer')
  version!: number;

  // The email part: both or neither.
  @Column('text', { nullable: true })
  subject!: string | null;

  @Column('text', { nullable: true })
  mjml!: string | null;

  @Column('text', { name: 'sms_text', nullable: true })
  smsText!: string | null;

  @Column('text', { name: 'push_title', nullable: true })
  pushTitle!: string | null;

  @Column('text', { name: 'push_body', nullable: true })
  pushBody!: string | null;

  @Column('text', { name: 'push_url', nullable: true })
  pushUrl!: string | null;

  @Column('text', { name: 'inapp_title', nullable: true })
  inappTitle!: string | null;

  @Column('text', { name: 'inapp_body', nullable: true })
  inappBody!: string | null;

  @Column('text', { name: 'inapp_action_url', nullable: true })
  inappActionUrl!: string | null;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
