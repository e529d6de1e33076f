import { Module } from '@nestjs/common';
import type { LinkKeyring } from '@switchboard/security';
import type { RouterPreferenceClient } from '../preferences/router-preference-client';
import { LINK_KEYRING, PUBLIC_PAGE_PREFERENCES, UnsubscribeModule } from '../unsubscribe/unsubscribe.module';
import { PreferencePageController } from './preference-page.controller';
import { SavePreferencePage } from './save-preference-page.usecase';
import { ShowPreferencePage } from './show-preference-page.usecase';

@Module({
  imports: [UnsubscribeModule],
  controllers: [PreferencePageController],
  providers: [
    {
      provide: ShowPreferencePage,
      useFactory: (keyring: LinkKeyring | null, preferences: RouterPreferenceClient) =>
        new ShowPreferencePage(keyring ?? undefined, preferences),
      inject: [LINK_KEYRING, PUBLIC_PAGE_PREFERENCES],
    },
    {
      provide: SavePreferencePage,
      useFactory: (keyring: LinkKeyring | null, preferences: RouterPreferenceClient) =>
        new SavePreferencePage(keyring ?? undefined, preferences),
      inject: [LINK_KEYRING, PUBLIC_PAGE_PREFERENCES],
    },
  ],
})
export class PreferencePageModule {}
