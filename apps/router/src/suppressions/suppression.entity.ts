import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** An address not to send to on a channel; unique per tenant and channel whatever the address's case. */
@Entity({ schema: 'router', name: 'suppressions' })
// The index is on lower(address), which only the migration can express.
@Index('suppressions_address', { synchronize: false })
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

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
