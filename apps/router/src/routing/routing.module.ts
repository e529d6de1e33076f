import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { RecipientStore } from '../recipients/recipient';
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
      // RecipientStore comes from the global RecipientsModule.
      useFactory: (
        decisions: DecisionStore,
        suppressions: SuppressionStore,
        recipients: RecipientStore,
        events: EventPublisher,
      ) => new RouteMessages(decisions, suppressions, recipients, events),
      inject: [DecisionStore, SuppressionStore, RecipientStore, EventPublisher],
    },
  ],
  exports: [RouteMessages, DecisionStore],
})
export class RoutingModule {}
