import { Module } from '@nestjs/common';
import { ROUTER_CONFIG, type RouterConfig } from '../config';
import { UnsubscribeLinks } from './unsubscribe-links';

/** Provides UnsubscribeLinks from PUBLIC_BASE_URL and LINK_SIGNING_KEYS, for whoever builds email render requests. */
@Module({
  providers: [
    {
      provide: UnsubscribeLinks,
      useFactory: (config: RouterConfig) =>
        new UnsubscribeLinks(config.PUBLIC_BASE_URL, config.LINK_SIGNING_KEYS),
      inject: [ROUTER_CONFIG],
    },
  ],
  exports: [UnsubscribeLinks],
})
export class UnsubscribeLinksModule {}
