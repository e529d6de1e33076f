import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Immutable: a change to a template is a new version, never an update. */
@Entity({ schema: 'template', name: 'template_versions' })
export class TemplateVersionEntity {
  @PrimaryColumn('uuid', { name: 'template_id' })
  templateId!: string;

  @PrimaryColumn('integer')
  version!: number;

  @Column('text')
  subject!: string;

  @Column('text')
  mjml!: string;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
