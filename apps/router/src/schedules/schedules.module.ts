import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { LoadPolicyFacts } from '../routing/load-policy-facts';
import { UnsubscribeLinks } from '../unsubscribe/unsubscribe-links';
import { RoutingModule } from '../routing/routing.module';
import { ScheduleRepository } from './schedule.repository';
import { ReleaseDueSchedules } from './release-due-schedules.usecase';
import { SchedulePoller } from './schedule-poller';
import { ScheduleStore } from './schedule-store';

@Module({
  imports: [RoutingModule],
  providers: [
    ScheduleRepository,
    { provide: ScheduleStore, useExisting: ScheduleRepository },
    {
      provide: ReleaseDueSchedules,
      useFactory: (
        schedules: ScheduleStore,
        loadFacts: LoadPolicyFacts,
        events: EventPublisher,
        links: UnsubscribeLinks,
        config: RouterConfig,
      ) =>
        new ReleaseDueSchedules(schedules, loadFacts, events, {
          batchSize: config.ROUTER_SCHEDULE_RELEASE_BATCH,
          links,
        }),
      inject: [ScheduleStore, LoadPolicyFacts, EventPublisher, UnsubscribeLinks, ROUTER_CONFIG],
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
