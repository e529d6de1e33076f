import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import type { RouterConfig } from '../config';
import { ROUTER_CONFIG } from '../router-config.module';
import { PgScheduleStore } from './pg-schedule-store';
import { ReleaseDueSchedules } from './release-due-schedules.usecase';
import { SchedulePoller } from './schedule-poller';
import { ScheduleStore } from './schedule-store';

@Module({
  providers: [
    PgScheduleStore,
    { provide: ScheduleStore, useExisting: PgScheduleStore },
    {
      provide: ReleaseDueSchedules,
      useFactory: (schedules: ScheduleStore, events: EventPublisher, config: RouterConfig) =>
        new ReleaseDueSchedules(schedules, events, () => new Date(), config.ROUTER_SCHEDULE_RELEASE_BATCH),
      inject: [ScheduleStore, EventPublisher, ROUTER_CONFIG],
    },
    {
      provide: SchedulePoller,
      useFactory: (release: ReleaseDueSchedules, config: RouterConfig) =>
        new SchedulePoller(release, config.ROUTER_SCHEDULE_POLL_INTERVAL),
      inject: [ReleaseDueSchedules, ROUTER_CONFIG],
    },
  ],
})
export class SchedulesModule {}
