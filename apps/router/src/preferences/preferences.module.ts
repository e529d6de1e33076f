import { Global, Module } from '@nestjs/common';
import { GetRecipientPreferences } from './get-recipient-preferences.usecase';
import { OptOutOfCategory } from './opt-out-of-category.usecase';
import { PreferenceRepository } from './preference.repository';
import { PreferenceStore } from './preference';
import { PreferencesController } from './preferences.controller';
import { PutRecipientPreferences } from './put-recipient-preferences.usecase';

const useCase = <T>(make: (store: PreferenceStore) => T) => ({ useFactory: make, inject: [PreferenceStore] });

// Global so that routing reads preferences from the same store without importing this module.
@Global()
@Module({
  controllers: [PreferencesController],
  providers: [
    PreferenceRepository,
    { provide: PreferenceStore, useExisting: PreferenceRepository },
    { provide: GetRecipientPreferences, ...useCase((store) => new GetRecipientPreferences(store)) },
    { provide: PutRecipientPreferences, ...useCase((store) => new PutRecipientPreferences(store)) },
    { provide: OptOutOfCategory, ...useCase((store) => new OptOutOfCategory(store)) },
  ],
  exports: [PreferenceStore],
})
export class PreferencesModule {}
