import type { ValidationProblem } from '@switchboard/contracts';
import { verify, X509Certificate } from 'node:crypto';
import { SecurityError } from './security-error';
import { parseSnsMessage, snsStringToSign, type SnsMessage } from './sns-notification';
import { checkSigningCertificateUrl } from './sns-signing-certificate-url';

export type SnsRejectionReason =
  | 'malformed'
  | 'topic-not-allowed'
  | 'bad-certificate-url'
  | 'stale'
  /** The certificate could not be fetched: worth a 5xx so that SNS retries. */
  | 'certificate-unavailable'
  /** The fetched document is not a usable RSA certificate, or it is outside its validity period. */
  | 'bad-certificate'
  | 'bad-signature'
  | 'replayed';

export type SnsVerificationResult =
  | { accepted: true; notification: SnsMessage }
  | { accepted: false; reason: SnsRejectionReason; detail: string; problems?: ValidationProblem[] };

export interface SnsMessageVerifierOptions {
  /** Topics whose messages are accepted; SNS signs for any topic, so this is what ties a message to us. */
  allowedTopicArns: readonly string[];
  /** Fetches a certificate (PEM) over https; only called with a URL that passed the host and path checks. */
  fetchCertificate: (url: string) => Promise<string>;
  /** Records a message id and says whether it was new; must be atomic across replicas. */
  rememberOnce: (messageId: string) => Promise<boolean>;
  /** How old a message may be. Default 3600 (one hour). Remembered ids must be kept at least this long. */
  maximumAgeSeconds?: number;
  /** How far in the future a Timestamp may be, for clock skew. Default 300. */
  maximumClockSkewSeconds?: number;
  /** How many certificates to keep by URL. Default 20; SNS uses one per region at a time. */
  certificateCacheSize?: number;
  now?: () => Date;
}

const DEFAULT_MAXIMUM_AGE_SECONDS = 3600;
const DEFAULT_MAXIMUM_CLOCK_SKEW_SECONDS = 300;
const DEFAULT_CERTIFICATE_CACHE_SIZE = 20;

const SIGNATURE_HASH = { '1': 'sha1', '2': 'sha256' } as const;

/** Checks the signature of an SNS message with a certificate already trusted by the caller. */
export function verifySnsSignature(message: SnsMessage, certificate: X509Certificate): boolean {
  const publicKey = certificate.publicKey;
  if (publicKey.asymmetricKeyType !== 'rsa') return false;
  // Default RSA padding is PKCS#1 v1.5, which is what SHA1withRSA and SHA256withRSA mean.
  return verify(
    SIGNATURE_HASH[message.SignatureVersion],
    Buffer.from(snsStringToSign(message), 'utf8'),
    publicKey,
    Buffer.from(message.Signature, 'base64'),
  );
}

class CertificateProblem extends Error {
  constructor(
    readonly reason: 'certificate-unavailable' | 'bad-certificate',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Verifies what SNS POSTs to an HTTP(S) subscription (SES bounces, complaints and deliveries):
 * shape, topic, certificate URL, age, signature, then that the message was not seen before.
 * Cheap checks come first so that a forged message costs no fetch, and the message id is
 * remembered last so that a forgery cannot use up a genuine id.
 */
export class SnsMessageVerifier {
  private readonly allowedTopicArns: ReadonlySet<string>;
  private readonly maximumAgeMilliseconds: number;
  private readonly maximumClockSkewMilliseconds: number;
  private readonly certificateCacheSize: number;
  private readonly now: () => Date;
  private readonly certificates = new Map<string, Promise<X509Certificate>>();

  constructor(private readonly options: SnsMessageVerifierOptions) {
    const problems: ValidationProblem[] = [];
    if (options.allowedTopicArns.length === 0) {
      problems.push({ field: 'allowedTopicArns', problem: 'must name at least one topic' });
    }
    const maximumAgeSeconds = options.maximumAgeSeconds ?? DEFAULT_MAXIMUM_AGE_SECONDS;
    const maximumClockSkewSeconds = options.maximumClockSkewSeconds ?? DEFAULT_MAXIMUM_CLOCK_SKEW_SECONDS;
    const certificateCacheSize = options.certificateCacheSize ?? DEFAULT_CERTIFICATE_CACHE_SIZE;
    if (!(maximumAgeSeconds > 0) || !Number.isFinite(maximumAgeSeconds)) {
      problems.push({ field: 'maximumAgeSeconds', problem: 'must be a positive number' });
    }
    if (!(maximumClockSkewSeconds >= 0) || !Number.isFinite(maximumClockSkewSeconds)) {
      problems.push({ field: 'maximumClockSkewSeconds', problem: 'must be zero or a positive number' });
    }
    if (!Number.isInteger(certificateCacheSize) || certificateCacheSize < 1) {
      problems.push({ field: 'certificateCacheSize', problem: 'must be a positive integer' });
    }
    if (problems.length > 0) throw new SecurityError('INVALID_OPTIONS', problems);
    this.allowedTopicArns = new Set(options.allowedTopicArns);
    this.maximumAgeMilliseconds = maximumAgeSeconds * 1000;
    this.maximumClockSkewMilliseconds = maximumClockSkewSeconds * 1000;
    this.certificateCacheSize = certificateCacheSize;
    this.now = options.now ?? (() => new Date());
  }

  /** `body` is the POSTed text (SNS sends text/plain) or the JSON already parsed from it. */
  async verify(body: unknown): Promise<SnsVerificationResult> {
    const parsed = parseSnsMessage(body);
    if (!parsed.ok) {
      return {
        accepted: false,
        reason: 'malformed',
        detail: describe(parsed.problems),
        problems: parsed.problems,
      };
    }
    const message = parsed.value;

    if (!this.allowedTopicArns.has(message.TopicArn)) {
      return reject('topic-not-allowed', `TopicArn ${message.TopicArn} is not allowed`);
    }

    const certificateUrl = checkSigningCertificateUrl(message.SigningCertURL);
    if (!certificateUrl.ok) return reject('bad-certificate-url', `SigningCertURL ${certificateUrl.problem}`);

    const now = this.now();
    const age = now.getTime() - Date.parse(message.Timestamp);
    if (age > this.maximumAgeMilliseconds) {
      return reject('stale', `Timestamp ${message.Timestamp} is older than allowed`);
    }
    if (-age > this.maximumClockSkewMilliseconds) {
      return reject('stale', `Timestamp ${message.Timestamp} is in the future`);
    }

    let certificate: X509Certificate;
    try {
      certificate = await this.loadCertificate(certificateUrl.url);
    } catch (error) {
      if (error instanceof CertificateProblem) return reject(error.reason, error.message);
      throw error;
    }
    if (now < new Date(certificate.validFrom) || now > new Date(certificate.validTo)) {
      return reject('bad-certificate', 'signing certificate is outside its validity period');
    }

    let signatureMatches: boolean;
    try {
      signatureMatches = verifySnsSignature(message, certificate);
    } catch {
      // A signature of the wrong length for the key makes OpenSSL throw instead of answering false.
      signatureMatches = false;
    }
    if (!signatureMatches) return reject('bad-signature', 'Signature does not match the message');

    if (!(await this.options.rememberOnce(message.MessageId))) {
      return reject('replayed', `MessageId ${message.MessageId} was accepted before`);
    }
    return { accepted: true, notification: message };
  }

  private loadCertificate(url: string): Promise<X509Certificate> {
    const cached = this.certificates.get(url);
    if (cached) return cached;
    const loading = this.fetchAndParse(url);
    this.certificates.set(url, loading);
    // A failure is not kept, so a fetch that failed once is tried again on the next message.
    loading.catch(() => {
      if (this.certificates.get(url) === loading) this.certificates.delete(url);
    });
    if (this.certificates.size > this.certificateCacheSize) {
      const oldest = this.certificates.keys().next().value;
      if (oldest !== undefined) this.certificates.delete(oldest);
    }
    return loading;
  }

  private async fetchAndParse(url: string): Promise<X509Certificate> {
    let pem: string;
    try {
      pem = await this.options.fetchCertificate(url);
    } catch (error) {
      throw new CertificateProblem(
        'certificate-unavailable',
        `signing certificate ${url} could not be fetched: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    try {
      const certificate = new X509Certificate(pem);
      if (certificate.publicKey.asymmetricKeyType !== 'rsa') {
        throw new Error('its key is not an RSA key');
      }
      return certificate;
    } catch (error) {
      throw new CertificateProblem(
        'bad-certificate',
        `signing certificate ${url} is not usable: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
}

function reject(reason: SnsRejectionReason, detail: string): SnsVerificationResult {
  return { accepted: false, reason, detail };
}

function describe(problems: ValidationProblem[]): string {
  return problems.map(({ field, problem }) => `${field || '(body)'}: ${problem}`).join('; ');
}
