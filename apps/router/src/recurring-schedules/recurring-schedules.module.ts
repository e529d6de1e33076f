import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { Metrics } from '@switchboard/telemetry';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { RoutingEncryption } from '../routing/routing-encryption';
import { CreateRecurringSchedule } from './create-recurring-schedule.usecase';
import { DeleteRecurringSchedule } from './delete-recurring-schedule.usecase';
import { FireDueRecurringSchedules } from './fire-due-recurring-schedules.usecase';
import { GetRecurringSchedules } from './get-recurring-schedules.usecase';
import { RecurringScheduleRepository } from './recurring-schedule.repository';
import { RecurringSchedulePoller } from './recurring-schedule-poller';
import { RecurringScheduleStore } from './recurring-schedule';
import { RecurringSchedulesController } from './recurring-schedules.controller';
import { UpdateRecurringSchedule } from './update-recurring-schedule.usecase';

@Module({
  controllers: [RecurringSchedulesController],
  providers: [
    RoutingEncryption,
    RecurringScheduleRepository,
    { provide: RecurringScheduleStore, useExisting: RecurringScheduleRepository },
    {
      provide: CreateRecurringSchedule,
      useFactory: (schedules: RecurringScheduleStore) => new CreateRecurringSchedule(schedules),
      inject: [RecurringScheduleStore],
    },
    {
      provide: GetRecurringSchedules,
      useFactory: (schedules: RecurringScheduleStore) => new GetRecurringSchedules(schedules),
      inject: [RecurringScheduleStore],
    },
    {
      provide: UpdateRecurringSchedule,
      useFactory: (schedules: RecurringScheduleStore) => new UpdateRecurringSchedule(schedules),
      inject: [RecurringScheduleStore],
    },
    {
      provide: DeleteRecurringSchedule,
      useFactory: (schedules: RecurringScheduleStore) => new DeleteRecurringSchedule(schedules),
      inject: [RecurringScheduleStore],
    },
    {
      provide: FireDueRecurringSchedules,
      useFactory: (schedules: RecurringScheduleStore, events: EventPublisher) =>
        new FireDueRecurringSchedules(schedules, events),
      inject: [RecurringScheduleStore, EventPublisher],
    },
    {
      provide: RecurringSchedulePoller,
      useFactory: (fire: FireDueRecurringSchedules, config: RouterConfig) =>
        new RecurringSchedulePoller(
          fire,
          config.ROUTER_RECURRING_POLL_INTERVAL,
          new Metrics('router').counter('switchboard.router.recurring_runs', {
            description:
              'Runs of recurring schedules, by outcome: sent, or skipped for being later than the tolerance',
          }),
        ),
      inject: [FireDueRecurringSchedules, ROUTER_CONFIG],
    },
  ],
})
export class RecurringSchedulesModule {}
