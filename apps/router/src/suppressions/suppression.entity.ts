import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An address not to send to on a channel, for one category or (category null) every category;
 * unique per tenant, channel, category and the blind index of the address.
 */
@Entity({ schema: 'router', name: 'suppressions' })
// The index is on lower(address) and coalesce(category, ''), which only the migration can express.
@Index('suppressions_address', { synchronize: false })
@Index('suppressions_newest', { synchronize: false })
@Index('suppressions_address_index', { synchronize: false })
@Index('suppressions_plaintext_address', { synchronize: false })
export class SuppressionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text')
  channel!: string;

  /** Encrypted with the tenant's data key (`sbenc:v1:`); plaintext in rows not yet rewritten. */
  @Column('text')
  address!: string;

  /** The blind index of the address, which every lookup goes by; null until a plaintext row is rewritten. */
  @Column('text', { name: 'address_index', nullable: true })
  addressIndex!: string | null;

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
