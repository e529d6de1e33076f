import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A channel's provider's circuit breaker state, from the latest circuit-changed event about it. */
@Entity({ schema: 'analytics', name: 'provider_circuits' })
export class ProviderCircuitEntity {
  @PrimaryColumn('text')
  channel!: string;

  @PrimaryColumn('text')
  provider!: string;

  @Column('text')
  state!: string;

  /** When the change happened, so that a late or redelivered earlier change does not undo it. */
  @Column('timestamptz', { name: 'changed_at' })
  changedAt!: Date;
}
