import { Module } from '@nestjs/common';
import { EventPublisher } from '@switchboard/messaging';
import { PreferenceStore } from '../preferences/preference';
import { ContactPointLookup } from '../recipients/contact-point-lookup';
import { ContactPointRepository } from '../recipients/contact-point.repository';
import { SendingPolicyModule } from '../sending-settings/sending-policy.module';
import { SendingPolicySource } from '../sending-settings/sending-policy-source';
import { UnsubscribeLinks } from '../unsubscribe/unsubscribe-links';
import { UnsubscribeLinksModule } from '../unsubscribe/unsubscribe-links.module';
import { SuppressionStore } from '../suppressions/suppression';
import { SuppressionsModule } from '../suppressions/suppressions.module';
import { DecisionStore } from './decision-store';
import { LedgerHousekeeping } from './ledger-housekeeping';
import { LoadPolicyFacts } from './load-policy-facts';
import { DecisionRepository } from './decision.repository';
import { RouteMessages } from './route-messages.usecase';
import { EncryptPlaintextRoutingRows } from './encrypt-plaintext-routing-rows';
import { RoutingEncryption } from './routing-encryption';

@Module({
  imports: [SuppressionsModule, SendingPolicyModule, UnsubscribeLinksModule],
  providers: [
    RoutingEncryption,
    EncryptPlaintextRoutingRows,
    DecisionRepository,
    { provide: DecisionStore, useExisting: DecisionRepository },
    LedgerHousekeeping,
    ContactPointRepository,
    { provide: ContactPointLookup, useExisting: ContactPointRepository },
    {
      provide: LoadPolicyFacts,
      // PreferenceStore comes from a global module.
      useFactory: (
        suppressions: SuppressionStore,
        recipients: ContactPointLookup,
        policy: SendingPolicySource,
        preferences: PreferenceStore,
      ) => new LoadPolicyFacts({ suppressions, recipients, policy, preferences }),
      inject: [SuppressionStore, ContactPointLookup, SendingPolicySource, PreferenceStore],
    },
    {
      provide: RouteMessages,
      useFactory: (
        decisions: DecisionStore,
        loadFacts: LoadPolicyFacts,
        events: EventPublisher,
        links: UnsubscribeLinks,
      ) => new RouteMessages(decisions, loadFacts, events, { links }),
      inject: [DecisionStore, LoadPolicyFacts, EventPublisher, UnsubscribeLinks],
    },
  ],
  exports: [RouteMessages, DecisionStore, LoadPolicyFacts, UnsubscribeLinksModule, RoutingEncryption],
})
export class RoutingModule {}
