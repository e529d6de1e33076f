import { X509Certificate } from 'node:crypto';
import type { LoggerService } from '@nestjs/common';
import { SnsMessageVerifier, type SnsVerificationResult } from '@switchboard/security';
import { ReceivedSnsMessages, SnsMessageVerification } from './receipt-ports';
import { snsCertificateSource, type Fetch } from './sns-https';

/** SNS retries an HTTP/S delivery for at most an hour, so an hour-old message may still be genuine. */
export const SNS_MESSAGE_MAXIMUM_AGE_SECONDS = 3600;
export const SNS_MESSAGE_MAXIMUM_CLOCK_SKEW_SECONDS = 300;
/** A message dated up to the skew ahead stays acceptable that much longer, so its id is kept as long. */
export const RECEIVED_SNS_MESSAGE_RETENTION_MS =
  (SNS_MESSAGE_MAXIMUM_AGE_SECONDS + SNS_MESSAGE_MAXIMUM_CLOCK_SKEW_SECONDS) * 1000;

export interface SnsMessageVerificationSettings {
  allowedTopicArns: readonly string[];
  httpTimeoutMs: number;
  trustedCertificatePem?: string;
  fetch?: Fetch;
  now?: () => Date;
}

/**
 * The verifier for POST /v1/receipts/ses. It only asks whether an id is new; the use case
 * remembers it once the message has been handled (see ReceiveSnsMessage for why).
 */
export function createSnsMessageVerification(
  settings: SnsMessageVerificationSettings,
  receivedMessages: ReceivedSnsMessages,
  logger: LoggerService,
): SnsMessageVerification {
  if (settings.trustedCertificatePem !== undefined) {
    assertCertificate(settings.trustedCertificatePem);
    logger.warn(
      'SNS_TRUSTED_SIGNING_CERTIFICATE_PEM is set: SNS messages signed with its key are trusted (sandbox only)',
    );
  }
  if (settings.allowedTopicArns.length === 0) {
    logger.warn('SES_RECEIPT_TOPIC_ARNS is not set: POST /v1/receipts/ses refuses every message');
    return new RefuseEverySnsMessage();
  }
  return new SnsMessageVerifier({
    allowedTopicArns: settings.allowedTopicArns,
    fetchCertificate: snsCertificateSource({
      timeoutMs: settings.httpTimeoutMs,
      ...(settings.trustedCertificatePem === undefined
        ? {}
        : { trustedCertificatePem: settings.trustedCertificatePem }),
      ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
    }),
    rememberOnce: (messageId) => receivedMessages.isNew(messageId),
    maximumAgeSeconds: SNS_MESSAGE_MAXIMUM_AGE_SECONDS,
    maximumClockSkewSeconds: SNS_MESSAGE_MAXIMUM_CLOCK_SKEW_SECONDS,
    ...(settings.now === undefined ? {} : { now: settings.now }),
  });
}

class RefuseEverySnsMessage extends SnsMessageVerification {
  verify(): Promise<SnsVerificationResult> {
    return Promise.resolve({
      accepted: false,
      reason: 'topic-not-allowed',
      detail: 'no topic is allowed: SES_RECEIPT_TOPIC_ARNS is not set',
    });
  }
}

function assertCertificate(pem: string): void {
  try {
    new X509Certificate(pem);
  } catch (error) {
    throw new Error(
      `SNS_TRUSTED_SIGNING_CERTIFICATE_PEM is not a PEM certificate: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
