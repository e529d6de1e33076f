import { Logger, Module } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ReceivedSnsMessageRepository } from '../receipts/received-sns-message.repository';
import { ReceiptsModule } from '../receipts/receipts.module';
import { HttpsSnsSubscriptionConfirmer } from '../receipts/sns-https';
import { createSnsMessageVerification } from '../receipts/sns-message-verification';
import { RouterSuppressionClient } from '../suppressions/router-suppression-client';
import { SuppressionsModule } from '../suppressions/suppressions.module';
import { ReceiveSmsReply } from './receive-sms-reply.usecase';
import { RouterSmsReplySuppressions } from './router-sms-reply-suppressions';
import { SmsRepliesController } from './sms-replies.controller';

/**
 * POST /v1/sms-replies: two-way SMS replies from the SNS topics of SMS_REPLY_TOPICS, sharing the
 * SES receipts' signature checks and their record of SNS message ids already handled.
 */
@Module({
  imports: [ReceiptsModule, SuppressionsModule],
  controllers: [SmsRepliesController],
  providers: [
    {
      provide: ReceiveSmsReply,
      useFactory: (
        config: GatewayConfig,
        receivedMessages: ReceivedSnsMessageRepository,
        suppressions: RouterSuppressionClient,
      ): ReceiveSmsReply | null => {
        const topics = config.SMS_REPLY_TOPICS;
        if (topics === undefined) return null;
        const tenants = new Map(topics.map(({ topicArn, tenantId }) => [topicArn, tenantId]));
        const verification = createSnsMessageVerification(
          {
            allowedTopicArns: [...tenants.keys()],
            httpTimeoutMs: config.SNS_HTTP_TIMEOUT,
            ...(config.SNS_TRUSTED_SIGNING_CERTIFICATE_PEM === undefined
              ? {}
              : { trustedCertificatePem: config.SNS_TRUSTED_SIGNING_CERTIFICATE_PEM }),
          },
          receivedMessages,
          new Logger(SmsRepliesModule.name),
        );
        return new ReceiveSmsReply(
          verification,
          receivedMessages,
          new RouterSmsReplySuppressions(suppressions),
          new HttpsSnsSubscriptionConfirmer(config.SNS_HTTP_TIMEOUT),
          (topicArn) => tenants.get(topicArn),
        );
      },
      inject: [GATEWAY_CONFIG, ReceivedSnsMessageRepository, RouterSuppressionClient],
    },
  ],
})
export class SmsRepliesModule {}
