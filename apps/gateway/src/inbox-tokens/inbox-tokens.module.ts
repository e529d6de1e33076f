import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { InboxTokensController } from './inbox-tokens.controller';
import { IssueInboxTokenUsecase } from './issue-inbox-token.usecase';

@Module({
  imports: [AuthModule],
  controllers: [InboxTokensController],
  providers: [
    {
      provide: IssueInboxTokenUsecase,
      useFactory: (config: GatewayConfig) => new IssueInboxTokenUsecase(config.INBOX_TOKEN_SECRETS),
      inject: [GATEWAY_CONFIG],
    },
  ],
})
export class InboxTokensModule {}
