import { checkSigningCertificateUrl } from '@switchboard/security';
import { ReceiptError } from './receipt-error';
import { SnsSubscriptionConfirmer } from './receipt-ports';
import { checkSubscribeUrl } from './subscribe-url';

/** An SNS signing certificate is about 2 KiB; anything much larger is not one. */
export const MAX_CERTIFICATE_BYTES = 16 * 1024;

export type Fetch = typeof fetch;

export interface SnsCertificateSourceOptions {
  /** Deadline of one certificate download. */
  timeoutMs: number;
  /**
   * Sandbox and tests only: answer every certificate URL that passes the SNS URL rules with this
   * PEM instead of downloading it, since a sandbox cannot be signed for by an Amazon host.
   */
  trustedCertificatePem?: string;
  fetch?: Fetch;
}

/**
 * The `fetchCertificate` of SnsMessageVerifier (which caches what it returns by URL): downloads
 * the PEM over https from the SNS host only, without following redirects, within a deadline and a
 * size limit. The URL rule is checked again here so that no other caller can make it fetch elsewhere.
 */
export function snsCertificateSource(options: SnsCertificateSourceOptions): (url: string) => Promise<string> {
  const fetchImpl = options.fetch ?? fetch;
  return async (certificateUrl) => {
    const checked = checkSigningCertificateUrl(certificateUrl);
    if (!checked.ok) throw new Error(`refusing to fetch a certificate whose URL ${checked.problem}`);
    if (options.trustedCertificatePem !== undefined) return options.trustedCertificatePem;
    const response = await fetchImpl(checked.url, {
      redirect: 'error',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new Error(`answered HTTP ${response.status}`);
    }
    return readLimited(response, MAX_CERTIFICATE_BYTES);
  };
}

async function readLimited(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`is ${declared} bytes, more than ${maxBytes}`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new Error(`is more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Confirms a subscription by GET of its SubscribeURL, as SNS asks; a failure answers 503 so SNS retries. */
export class HttpsSnsSubscriptionConfirmer extends SnsSubscriptionConfirmer {
  constructor(
    private readonly timeoutMs: number,
    private readonly fetchImpl: Fetch = fetch,
  ) {
    super();
  }

  async confirm(subscribeUrl: string): Promise<void> {
    const checked = checkSubscribeUrl(subscribeUrl);
    if (!checked.ok) throw new Error(`refusing to follow a SubscribeURL that ${checked.problem}`);
    let status: number;
    try {
      const response = await this.fetchImpl(checked.url, {
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      status = response.status;
      await response.body?.cancel();
    } catch (error) {
      throw new ReceiptError(
        'SUBSCRIPTION_CONFIRMATION_FAILED',
        `the subscription could not be confirmed (${error instanceof Error ? error.message : String(error)}); SNS will retry`,
      );
    }
    if (status < 200 || status > 299) {
      throw new ReceiptError(
        'SUBSCRIPTION_CONFIRMATION_FAILED',
        `SNS answered HTTP ${status} to the confirmation; SNS will retry`,
      );
    }
  }
}
