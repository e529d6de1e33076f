import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { MyPreferencesController } from './my-preferences.controller';
import { RecipientPreferencesController } from './preferences.controller';
import { RecipientTokenGuard } from '../auth/recipient-token.guard';
import { RouterPreferenceClient } from './router-preference-client';

// Exports the client: the hosted preference page and one-click unsubscribe call the router with it too.
@Module({
  imports: [AuthModule],
  controllers: [RecipientPreferencesController, MyPreferencesController],
  providers: [
    RecipientTokenGuard,
    {
      provide: RouterPreferenceClient,
      useFactory: (config: GatewayConfig) =>
        new RouterPreferenceClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
  ],
  exports: [RouterPreferenceClient],
})
export class PreferencesModule {}
