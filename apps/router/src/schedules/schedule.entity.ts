import type { RenderRequested } from '@switchboard/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A deferred message: its render request is published once due_at has passed. */
@Entity({ schema: 'router', name: 'schedules' })
export class ScheduleEntity {
  @PrimaryColumn('uuid', { name: 'message_id' })
  messageId!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('timestamptz', { name: 'due_at' })
  dueAt!: Date;

  @Column('jsonb')
  payload!: RenderRequested;

  @Column('timestamptz', { name: 'released_at', nullable: true })
  releasedAt!: Date | null;
}
