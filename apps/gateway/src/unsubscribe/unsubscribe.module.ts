import { Module } from '@nestjs/common';
import type { LinkKeyring } from '@switchboard/security';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import {
  type InternalServiceClient,
  internalServiceClient,
} from '../internal-services/internal-service-client';
import { RouterPreferenceClient } from '../preferences/router-preference-client';
import { RouterSuppressionClient } from '../suppressions/router-suppression-client';
import { ShowUnsubscribeConfirmation } from './show-unsubscribe-confirmation.usecase';
import { UnsubscribeByLink } from './unsubscribe-by-link.usecase';
import { UnsubscribeController } from './unsubscribe.controller';

/** The keys that check unsubscribe and preference links; undefined when LINK_SIGNING_KEYS is unset. */
export const LINK_KEYRING = Symbol('LINK_KEYRING');
/** The router's preferences API for the public pages (the tenant API has its own client). */
export const PUBLIC_PAGE_PREFERENCES = Symbol('PUBLIC_PAGE_PREFERENCES');

function routerClient(config: GatewayConfig): InternalServiceClient {
  return internalServiceClient(config, 'router');
}

@Module({
  controllers: [UnsubscribeController],
  providers: [
    {
      provide: LINK_KEYRING,
      // A factory may not return undefined in Nest; null stands for "no keys".
      useFactory: (config: GatewayConfig) => config.LINK_SIGNING_KEYS ?? null,
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: PUBLIC_PAGE_PREFERENCES,
      useFactory: (config: GatewayConfig) => new RouterPreferenceClient(routerClient(config)),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: ShowUnsubscribeConfirmation,
      useFactory: (keyring: LinkKeyring | null) => new ShowUnsubscribeConfirmation(keyring ?? undefined),
      inject: [LINK_KEYRING],
    },
    {
      provide: UnsubscribeByLink,
      useFactory: (keyring: LinkKeyring | null, preferences: RouterPreferenceClient, config: GatewayConfig) =>
        new UnsubscribeByLink(
          keyring ?? undefined,
          preferences,
          new RouterSuppressionClient(routerClient(config)),
        ),
      inject: [LINK_KEYRING, PUBLIC_PAGE_PREFERENCES, GATEWAY_CONFIG],
    },
  ],
  exports: [LINK_KEYRING, PUBLIC_PAGE_PREFERENCES],
})
export class UnsubscribeModule {}
