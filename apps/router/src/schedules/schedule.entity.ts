import type { MessageAccepted, RenderRequested } from '@switchboard/contracts';
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

  /** Deferrals recorded before the policy rules: the render requests to publish as they are. */
  @Column('jsonb')
  payload!: RenderRequested | RenderRequested[];

  /** The deferred message, decided again with every rule once due (null on older rows). */
  @Column('jsonb', { nullable: true })
  message!: MessageAccepted | null;

  @Column('text', { nullable: true })
  rule!: string | null;

  @Column('timestamptz', { name: 'released_at', nullable: true })
  releasedAt!: Date | null;
}
