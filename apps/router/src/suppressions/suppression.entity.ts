import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An address not to send to on a channel, for one category or (category null) every category;
 * unique per tenant, channel, category and the address whatever its case.
 */
@Entity({ schema: 'router', name: 'suppressions' })
// The index is on lower(address) and coalesce(category, ''), which only the migration can express.
@Index('suppressions_address', { synchronize: false })
@Index('suppressions_newest', { synchronize: false })
export class SuppressionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  channel!: string;

  @Column('text')
  address!: string;

  @Column('text')
  reason!: string;

  @Column('text', { nullable: true })
  category!: string | null;

  /** api, bounce, complaint, sms-reply or unsubscribe (checked by the table). */
  @Column('text', { default: 'api' })
  source!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
