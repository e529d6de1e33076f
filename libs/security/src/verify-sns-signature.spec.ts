import { createSign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SecurityError } from './security-error';
import { checkSigningCertificateUrl } from './sns-signing-certificate-url';
import { SnsMessageVerifier, type SnsMessageVerifierOptions } from './verify-sns-signature';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'test', 'fixtures', name), 'utf8');
const signingKey = fixture('test-only-sns-signing-key.pem');
const signingCertificate = fixture('test-only-sns-signing-certificate.pem');
const forgerKey = fixture('test-only-forger-key.pem');

const TOPIC = 'arn:aws:sns:eu-west-1:123456789012:ses-receipts';
const CERTIFICATE_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';

type MessageType = 'Notification' | 'SubscriptionConfirmation' | 'UnsubscribeConfirmation';
type Fields = Record<string, string>;

let nextMessageNumber = 0;

// Written out here from the AWS documentation rather than taken from the code under test, so a
// mistake in the canonical string cannot hide behind being made twice.
function stringToSign(fields: Fields): string {
  const keys =
    fields.Type === 'Notification'
      ? ['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type']
      : ['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'];
  return keys
    .filter((key) => key in fields)
    .map((key) => `${key}\n${fields[key]}\n`)
    .join('');
}

function signedMessage(
  type: MessageType,
  { signatureVersion = '2', key = signingKey, overrides = {} as Fields } = {},
): Fields {
  nextMessageNumber += 1;
  const fields: Fields = {
    Type: type,
    MessageId: `7d1c2b35-0000-4000-8000-${String(nextMessageNumber).padStart(12, '0')}`,
    TopicArn: TOPIC,
    Message: '{"notificationType":"Delivery"}',
    Timestamp: new Date().toISOString(),
    ...(type === 'Notification'
      ? { UnsubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe' }
      : {
          Token: `token-${nextMessageNumber}`,
          SubscribeURL: 'https://sns.eu-west-1.amazonaws.com/?Action=Confirm',
        }),
    ...overrides,
  };
  const signer = createSign(signatureVersion === '1' ? 'RSA-SHA1' : 'RSA-SHA256');
  signer.update(stringToSign(fields), 'utf8');
  return {
    ...fields,
    SignatureVersion: signatureVersion,
    Signature: signer.sign(key, 'base64'),
    SigningCertURL: CERTIFICATE_URL,
  };
}

function createVerifier(options: Partial<SnsMessageVerifierOptions> = {}) {
  const fetchedUrls: string[] = [];
  const remembered = new Set<string>();
  const verifier = new SnsMessageVerifier({
    allowedTopicArns: [TOPIC],
    fetchCertificate: async (url) => {
      fetchedUrls.push(url);
      return signingCertificate;
    },
    rememberOnce: async (messageId) => {
      if (remembered.has(messageId)) return false;
      remembered.add(messageId);
      return true;
    },
    ...options,
  });
  return { verifier, fetchedUrls, remembered };
}

describe('SnsMessageVerifier', () => {
  describe.each(['1', '2'])('signature version %s', (signatureVersion) => {
    it.each<MessageType>(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation'])(
      'accepts a genuine %s once, then rejects it as replayed',
      async (type) => {
        const { verifier } = createVerifier();
        const message = signedMessage(type, { signatureVersion });
        const body = JSON.stringify(message);

        const first = await verifier.verify(body);
        expect(first).toEqual({ accepted: true, notification: expect.objectContaining({ Type: type }) });
        expect(first.accepted && first.notification.MessageId).toBe(message.MessageId);

        expect(await verifier.verify(body)).toMatchObject({ accepted: false, reason: 'replayed' });
      },
    );

    it('rejects a message signed with another key', async () => {
      const { verifier, remembered } = createVerifier();
      const forged = signedMessage('Notification', { signatureVersion, key: forgerKey });
      expect(await verifier.verify(forged)).toMatchObject({ accepted: false, reason: 'bad-signature' });
      // A forgery must not use up the id of a genuine message.
      expect(remembered.has(forged.MessageId)).toBe(false);
    });

    it.each([
      ['Message', '{"notificationType":"Bounce"}'],
      ['MessageId', 'another-id'],
      ['Timestamp', new Date(Date.now() - 1000).toISOString()],
      ['Subject', 'Added after signing'],
      ['TopicArn', 'arn:aws:sns:eu-west-1:123456789012:other-allowed-topic'],
    ])('rejects a Notification whose %s changed after signing', async (field, value) => {
      const { verifier } = createVerifier({
        allowedTopicArns: [TOPIC, 'arn:aws:sns:eu-west-1:123456789012:other-allowed-topic'],
      });
      const tampered = { ...signedMessage('Notification', { signatureVersion }), [field]: value };
      expect(await verifier.verify(tampered)).toMatchObject({ accepted: false, reason: 'bad-signature' });
    });
  });

  it('accepts a Notification with a Subject and rejects it when the Subject is removed', async () => {
    const { verifier } = createVerifier();
    const withSubject = signedMessage('Notification', {
      overrides: { Subject: 'Amazon SES Email Event Notification' },
    });
    const withoutSubject = { ...withSubject };
    delete withoutSubject.Subject;
    expect(await verifier.verify(withoutSubject)).toMatchObject({
      accepted: false,
      reason: 'bad-signature',
    });
    expect((await verifier.verify(withSubject)).accepted).toBe(true);
  });

  it('rejects a confirmation whose SubscribeURL or Token changed after signing', async () => {
    const { verifier } = createVerifier();
    const confirmation = signedMessage('SubscriptionConfirmation');
    for (const tampered of [
      { ...confirmation, SubscribeURL: 'https://evil.example/confirm' },
      { ...confirmation, Token: 'another-token' },
    ]) {
      expect(await verifier.verify(tampered)).toMatchObject({ accepted: false, reason: 'bad-signature' });
    }
  });

  it('rejects a version 1 signature presented as version 2', async () => {
    const { verifier } = createVerifier();
    const message = { ...signedMessage('Notification', { signatureVersion: '1' }), SignatureVersion: '2' };
    expect(await verifier.verify(message)).toMatchObject({ accepted: false, reason: 'bad-signature' });
  });

  it('rejects a message from a topic that is not allowed, without fetching anything', async () => {
    const { verifier, fetchedUrls } = createVerifier();
    const message = signedMessage('Notification', {
      overrides: { TopicArn: 'arn:aws:sns:eu-west-1:999999999999:x' },
    });
    expect(await verifier.verify(message)).toMatchObject({ accepted: false, reason: 'topic-not-allowed' });
    expect(fetchedUrls).toEqual([]);
  });

  it('rejects a message older than the window or from the far future', async () => {
    const { verifier, fetchedUrls } = createVerifier();
    const hour = 3600_000;
    const old = signedMessage('Notification', {
      overrides: { Timestamp: new Date(Date.now() - 2 * hour).toISOString() },
    });
    const future = signedMessage('Notification', {
      overrides: { Timestamp: new Date(Date.now() + hour).toISOString() },
    });
    expect(await verifier.verify(old)).toMatchObject({ accepted: false, reason: 'stale' });
    expect(await verifier.verify(future)).toMatchObject({ accepted: false, reason: 'stale' });
    expect(fetchedUrls).toEqual([]);

    const { verifier: patient } = createVerifier({ maximumAgeSeconds: 3 * 3600 });
    expect((await patient.verify(old)).accepted).toBe(true);
  });

  it.each([
    'http://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://sns.eu-west-1.amazonaws.com.evil.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://user@sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://user:password@sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://evil.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://evil.com/sns.eu-west-1.amazonaws.com/SimpleNotificationService.pem',
    'https://evil.com#@sns.eu-west-1.amazonaws.com/SimpleNotificationService.pem',
    'https://sns.eu-west-1.amazonaws.com\\@evil.com/SimpleNotificationService.pem',
    'https://sns.eu-west-1.amazonaws.com:8443/SimpleNotificationService-0123456789abcdef.pem',
    'https://sns.eu-west-1.amazonaws.com:443/SimpleNotificationService-0123456789abcdef.pem',
    'https://sns.eu-west-1.amazonaws.com./SimpleNotificationService-0123456789abcdef.pem',
    'https://SNS.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://s3.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://sns.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem',
    'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.txt',
    'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem?redirect=evil',
    'https://sns.eu-west-1.amazonaws.com/redirect/SimpleNotificationService.pem',
    'https://127.0.0.1/SimpleNotificationService-0123456789abcdef.pem',
    'file:///etc/ssl/SimpleNotificationService.pem',
    'not a url',
  ])('rejects the certificate URL %s without fetching it', async (url) => {
    const { verifier, fetchedUrls } = createVerifier();
    const message = { ...signedMessage('Notification'), SigningCertURL: url };
    expect(await verifier.verify(message)).toMatchObject({ accepted: false, reason: 'bad-certificate-url' });
    expect(fetchedUrls).toEqual([]);
  });

  it('allows certificate URLs of every SNS region, China included', () => {
    for (const host of [
      'sns.us-east-1.amazonaws.com',
      'sns.us-gov-west-1.amazonaws.com',
      'sns.cn-north-1.amazonaws.com.cn',
    ]) {
      const url = `https://${host}/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem`;
      expect(checkSigningCertificateUrl(url)).toEqual({ ok: true, url });
    }
  });

  it('fetches a certificate once per URL', async () => {
    const { verifier, fetchedUrls } = createVerifier();
    for (let index = 0; index < 3; index++) {
      expect((await verifier.verify(signedMessage('Notification'))).accepted).toBe(true);
    }
    expect(fetchedUrls).toEqual([CERTIFICATE_URL]);
  });

  it('reports a certificate that cannot be fetched, and fetches it again next time', async () => {
    let attempts = 0;
    const { verifier } = createVerifier({
      fetchCertificate: async () => {
        attempts += 1;
        if (attempts === 1) throw new Error('connect ETIMEDOUT');
        return signingCertificate;
      },
    });
    const message = signedMessage('Notification');
    expect(await verifier.verify(message)).toEqual({
      accepted: false,
      reason: 'certificate-unavailable',
      detail: `signing certificate ${CERTIFICATE_URL} could not be fetched: connect ETIMEDOUT`,
    });
    // The id was not used up by the failed attempt, so SNS's retry goes through.
    expect((await verifier.verify(message)).accepted).toBe(true);
  });

  it('rejects a fetched document that is not a certificate', async () => {
    const { verifier } = createVerifier({ fetchCertificate: async () => '<html>Not Found</html>' });
    expect(await verifier.verify(signedMessage('Notification'))).toMatchObject({
      accepted: false,
      reason: 'bad-certificate',
    });
  });

  it('rejects a message when the certificate is outside its validity period', async () => {
    const { verifier } = createVerifier({
      now: () => new Date('2200-01-01T00:00:00.000Z'),
      maximumAgeSeconds: 1e10,
    });
    expect(await verifier.verify(signedMessage('Notification'))).toMatchObject({
      accepted: false,
      reason: 'bad-certificate',
    });
  });

  it('rejects malformed bodies and names the field', async () => {
    const { verifier } = createVerifier();
    const unsigned = signedMessage('Notification');
    delete unsigned.Signature;
    expect(await verifier.verify(unsigned)).toMatchObject({
      accepted: false,
      reason: 'malformed',
      problems: [{ field: 'Signature' }],
    });
    expect(
      await verifier.verify({ ...signedMessage('Notification'), Signature: 'not base64!' }),
    ).toMatchObject({
      accepted: false,
      reason: 'malformed',
      problems: [{ field: 'Signature' }],
    });
    expect(await verifier.verify('<xml/>')).toMatchObject({ accepted: false, reason: 'malformed' });
    expect(await verifier.verify(null)).toMatchObject({ accepted: false, reason: 'malformed' });
  });

  it('rejects a signature of the wrong length as a bad signature', async () => {
    const { verifier } = createVerifier();
    const message = { ...signedMessage('Notification'), Signature: Buffer.from('short').toString('base64') };
    expect(await verifier.verify(message)).toMatchObject({ accepted: false, reason: 'bad-signature' });
  });

  it('refuses options that would accept everything or nothing', () => {
    expect(() => createVerifier({ allowedTopicArns: [], maximumAgeSeconds: 0 })).toThrow(SecurityError);
    expect(() => createVerifier({ allowedTopicArns: [], maximumAgeSeconds: 0 })).toThrow(
      'INVALID_OPTIONS: allowedTopicArns: must name at least one topic; maximumAgeSeconds: must be a positive number',
    );
  });
});
