import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { SuppressionStore } from '../suppressions/suppression';
import { SuppressionsModule } from '../suppressions/suppressions.module';
import { DecisionStore } from './decision-store';
import { PgDecisionStore } from './pg-decision-store';
import { RouteMessages } from './route-messages.usecase';

@Module({
  imports: [SuppressionsModule],
  providers: [
    PgDecisionStore,
    { provide: DecisionStore, useExisting: PgDecisionStore },
    {
      provide: RouteMessages,
      useFactory: (decisions: DecisionStore, suppressions: SuppressionStore, events: EventPublisher) =>
        new RouteMessages(decisions, suppressions, events),
      inject: [DecisionStore, SuppressionStore, EventPublisher],
    },
  ],
  exports: [RouteMessages],
})
export class RoutingModule {}
