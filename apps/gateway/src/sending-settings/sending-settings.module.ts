import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { NationalPhoneNumbers } from './national-phone-numbers';
import { RouterSendingSettingsClient } from './router-sending-settings-client';
import { SendingSettingsController } from './sending-settings.controller';

@Module({
  imports: [AuthModule],
  controllers: [SendingSettingsController],
  providers: [
    {
      provide: RouterSendingSettingsClient,
      useFactory: (config: GatewayConfig) =>
        new RouterSendingSettingsClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: NationalPhoneNumbers,
      useFactory: (settings: RouterSendingSettingsClient) => new NationalPhoneNumbers(settings),
      inject: [RouterSendingSettingsClient],
    },
  ],
  // Messages and recipients read national phone numbers in the tenant's region.
  exports: [NationalPhoneNumbers],
})
export class SendingSettingsModule {}
