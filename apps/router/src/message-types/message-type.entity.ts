import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A tenant's message type. The definition is one JSON document: it is only ever read whole, and
 * new fields then need no migration (they take their default when read).
 */
@Entity({ schema: 'router', name: 'message_types' })
export class MessageTypeEntity {
  @PrimaryColumn('text', { name: 'tenant_id' })
  tenantId!: string;

  @PrimaryColumn('text')
  key!: string;

  @Column('jsonb')
  definition!: unknown;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at', default: () => 'now()' })
  updatedAt!: Date;
}
