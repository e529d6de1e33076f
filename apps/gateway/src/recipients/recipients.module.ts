import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { ErasuresModule } from '../erasures/erasures.module';
import { SendingSettingsModule } from '../sending-settings/sending-settings.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { internalServiceClient } from '../internal-services/internal-service-client';
import { ImportRecipients } from './import-recipients.usecase';
import { RecipientsController } from './recipients.controller';
import { RouterRecipientClient } from './router-recipient-client';

@Module({
  imports: [AuthModule, SendingSettingsModule, ErasuresModule],
  controllers: [RecipientsController],
  providers: [
    {
      provide: RouterRecipientClient,
      useFactory: (config: GatewayConfig) =>
        new RouterRecipientClient(internalServiceClient(config, 'router')),
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: ImportRecipients,
      useFactory: (router: RouterRecipientClient) => new ImportRecipients(router),
      inject: [RouterRecipientClient],
    },
  ],
})
export class RecipientsModule {}
