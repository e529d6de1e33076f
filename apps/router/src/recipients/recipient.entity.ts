import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * A tenant's recipient and its contact points; the key is the tenant's own recipient id. Email,
 * phone and attributes are stored encrypted with the recipient's data key (attributes as a jsonb
 * string).
 */
@Entity({ schema: 'router', name: 'recipients' })
export class RecipientEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('text', { name: 'recipient_id' })
  recipientId!: string;

  @Column('text', { nullable: true })
  email!: string | null;

  @Column('text', { nullable: true })
  phone!: string | null;

  @Column('text', { name: 'time_zone', nullable: true })
  timeZone!: string | null;

  @Column('text', { nullable: true })
  locale!: string | null;

  /** The tenant's own facts about the person (plan, country), at most 8 KiB of JSON. */
  @Column('jsonb', { default: () => "'{}'" })
  attributes!: unknown;

  @CreateDateColumn({ type: 'timestamptz', name: 'created_at' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz', name: 'updated_at' })
  updatedAt!: Date;
}
