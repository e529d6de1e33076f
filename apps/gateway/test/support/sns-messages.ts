import { createSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@switchboard/testing';

// The security lib's test-only key pair: trusted nowhere, protecting nothing.
const fixture = (name: string) =>
  readFileSync(join(repoRoot(), 'libs', 'security', 'test', 'fixtures', name), 'utf8');

export const testSigningKey = fixture('test-only-sns-signing-key.pem');
export const testSigningCertificate = fixture('test-only-sns-signing-certificate.pem');
export const testForgerKey = fixture('test-only-forger-key.pem');

export const RECEIPT_TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-receipts';
export const SNS_CERTIFICATE_URL =
  'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';

export type SnsFields = Record<string, string>;

export interface SignOptions {
  key?: string;
  /** Fields set before signing (TopicArn, Timestamp, SubscribeURL, ...). */
  fields?: SnsFields;
  /** Fields set after signing, as a forger who cannot re-sign would. */
  tamper?: SnsFields;
}

// Written out from the AWS documentation ("Verifying the signatures of Amazon SNS messages")
// rather than taken from the code under test, so that a mistake cannot hide behind being made twice.
function stringToSign(fields: SnsFields): string {
  const keys =
    fields.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((key) => key in fields)
    .map((key) => `${key}\n${fields[key]}\n`)
    .join('');
}

function sign(fields: SnsFields, options: SignOptions): SnsFields {
  const signer = createSign('RSA-SHA256');
  signer.update(stringToSign(fields), 'utf8');
  return {
    ...fields,
    SignatureVersion: '2',
    Signature: signer.sign(options.key ?? testSigningKey, 'base64'),
    SigningCertURL: SNS_CERTIFICATE_URL,
    ...options.tamper,
  };
}

/** An SES bounce as SES writes it into the Message of an SNS Notification. */
export function sesBounce(providerMessageId: string, recipients: string[]): string {
  const now = new Date().toISOString();
  return JSON.stringify({
    notificationType: 'Bounce',
    bounce: {
      feedbackId: `0100${randomUUID()}`,
      bounceType: 'Permanent',
      bounceSubType: 'General',
      bouncedRecipients: recipients.map((emailAddress) => ({
        emailAddress,
        action: 'failed',
        status: '5.1.1',
        diagnosticCode: 'smtp; 550 5.1.1 user unknown',
      })),
      timestamp: now,
      remoteMtaIp: '192.0.2.10',
      reportingMTA: 'dsn; a8-70.smtp-out.amazonses.com',
    },
    mail: {
      timestamp: now,
      source: 'noreply@example.com',
      messageId: providerMessageId,
      destination: recipients,
    },
  });
}

export function signedNotification(message: string, options: SignOptions = {}): SnsFields {
  const messageId = randomUUID();
  return sign(
    {
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: RECEIPT_TOPIC,
      Message: message,
      Timestamp: new Date().toISOString(),
      UnsubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${RECEIPT_TOPIC}:${messageId}`,
      ...options.fields,
    },
    options,
  );
}

export function signedSubscriptionConfirmation(options: SignOptions = {}): SnsFields {
  const token = randomUUID().replace(/-/g, '');
  return sign(
    {
      Type: 'SubscriptionConfirmation',
      MessageId: randomUUID(),
      TopicArn: RECEIPT_TOPIC,
      Token: token,
      Message: `You have chosen to subscribe to the topic ${RECEIPT_TOPIC}.`,
      SubscribeURL: `https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&TopicArn=${RECEIPT_TOPIC}&Token=${token}`,
      Timestamp: new Date().toISOString(),
      ...options.fields,
    },
    options,
  );
}
