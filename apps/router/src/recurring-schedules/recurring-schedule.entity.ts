import type { ScheduledMessage } from '@switchboard/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A message sent at every run of a cron expression read in a time zone. */
@Entity({ schema: 'router', name: 'recurring_schedules' })
export class RecurringScheduleEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text', { name: 'tenant_id' })
  tenantId!: string;

  @Column('text', { nullable: true })
  name!: string | null;

  @Column('text')
  cron!: string;

  @Column('text', { name: 'time_zone' })
  timeZone!: string;

  @Column('jsonb')
  message!: ScheduledMessage;

  @Column('integer', { name: 'tolerance_seconds' })
  toleranceSeconds!: number;

  @Column('timestamptz', { name: 'start_at', nullable: true })
  startAt!: Date | null;

  @Column('timestamptz', { name: 'end_at', nullable: true })
  endAt!: Date | null;

  @Column('text')
  status!: 'active' | 'paused';

  /** Null once the schedule has no run left (endAt passed). */
  @Column('timestamptz', { name: 'next_run_at', nullable: true })
  nextRunAt!: Date | null;

  @Column('timestamptz', { name: 'last_run_at', nullable: true })
  lastRunAt!: Date | null;

  @Column('integer', { name: 'skipped_runs', default: 0 })
  skippedRuns!: number;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;

  @Column('timestamptz', { name: 'updated_at' })
  updatedAt!: Date;
}
