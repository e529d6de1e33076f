import { Logger, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { AuthModule } from './auth.module';
import { AuthenticateApiKey } from './authenticate-api-key.usecase';
import { AuthenticateOperator } from './authenticate-operator.usecase';
import { OperatorKeyGuard } from './operator-key.guard';
import { OperatorKeys } from './operator-keys';

/** The operator credential (OPERATOR_API_KEYS), apart from tenants' API keys. */
@Module({
  imports: [AuthModule],
  providers: [
    {
      provide: OperatorKeys,
      useFactory: (config: GatewayConfig) => {
        const keys = new OperatorKeys(config.OPERATOR_API_KEYS ?? []);
        if (!keys.configured) {
          new Logger(OperatorAuthModule.name).log(
            'OPERATOR_API_KEYS is not set: the operator routes (/v1/operator/*) answer 503',
          );
        }
        return keys;
      },
      inject: [GATEWAY_CONFIG],
    },
    {
      provide: AuthenticateOperator,
      useFactory: (keys: OperatorKeys, tenantKeys: AuthenticateApiKey) =>
        new AuthenticateOperator(keys, tenantKeys),
      inject: [OperatorKeys, AuthenticateApiKey],
    },
    OperatorKeyGuard,
  ],
  exports: [AuthenticateOperator, OperatorKeyGuard],
})
export class OperatorAuthModule {}
