import {
  HttpsSnsSubscriptionConfirmer,
  MAX_CERTIFICATE_BYTES,
  snsCertificateSource,
  type Fetch,
} from './sns-https';

const CERTIFICATE_URL = 'https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function recordingFetch(answer: () => Response) {
  const calls: Array<{ url: string; init: RequestInit | undefined }> = [];
  const fetchImpl: Fetch = (input, init) => {
    calls.push({ url: String(input), init });
    return Promise.resolve(answer());
  };
  return { calls, fetchImpl };
}

describe('snsCertificateSource', () => {
  it('downloads the certificate from the SNS host without following redirects', async () => {
    const { calls, fetchImpl } = recordingFetch(() => new Response(PEM));
    const fetchCertificate = snsCertificateSource({ timeoutMs: 1000, fetch: fetchImpl });

    await expect(fetchCertificate(CERTIFICATE_URL)).resolves.toBe(PEM);

    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe(CERTIFICATE_URL);
    expect(calls[0].init).toMatchObject({ redirect: 'error', signal: expect.any(AbortSignal) });
  });

  it('never fetches a URL off the SNS host, even with a trusted certificate configured', async () => {
    const { calls, fetchImpl } = recordingFetch(() => new Response(PEM));
    for (const trustedCertificatePem of [undefined, PEM]) {
      const fetchCertificate = snsCertificateSource({
        timeoutMs: 1000,
        fetch: fetchImpl,
        ...(trustedCertificatePem === undefined ? {} : { trustedCertificatePem }),
      });
      for (const url of [
        'http://sns.eu-west-1.amazonaws.com/cert.pem',
        'https://127.0.0.1/cert.pem',
        'https://sns.eu-west-1.amazonaws.com.attacker.example/cert.pem',
      ]) {
        await expect(fetchCertificate(url)).rejects.toThrow('refusing to fetch');
      }
    }

    expect(calls).toEqual([]);
  });

  it('answers the trusted certificate instead of fetching when one is configured', async () => {
    const { calls, fetchImpl } = recordingFetch(() => new Response('other'));
    const fetchCertificate = snsCertificateSource({
      timeoutMs: 1000,
      fetch: fetchImpl,
      trustedCertificatePem: PEM,
    });

    await expect(fetchCertificate(CERTIFICATE_URL)).resolves.toBe(PEM);
    expect(calls).toEqual([]);
  });

  it('refuses an answer other than 200, and one larger than the size limit', async () => {
    const notFound = snsCertificateSource({
      timeoutMs: 1000,
      fetch: recordingFetch(() => new Response('missing', { status: 404 })).fetchImpl,
    });
    await expect(notFound(CERTIFICATE_URL)).rejects.toThrow('HTTP 404');

    // A stream without a declared length, so the limit is enforced while reading.
    const huge = new Uint8Array(MAX_CERTIFICATE_BYTES + 1);
    const tooLarge = snsCertificateSource({
      timeoutMs: 1000,
      fetch: recordingFetch(
        () =>
          new Response(
            new ReadableStream({
              start(controller) {
                controller.enqueue(huge);
                controller.close();
              },
            }),
          ),
      ).fetchImpl,
    });
    await expect(tooLarge(CERTIFICATE_URL)).rejects.toThrow(`more than ${MAX_CERTIFICATE_BYTES} bytes`);
  });
});

describe('HttpsSnsSubscriptionConfirmer', () => {
  const subscribeUrl = 'https://sns.eu-west-1.amazonaws.com/?Action=ConfirmSubscription&Token=abc';

  it('GETs the SubscribeURL without following redirects', async () => {
    const { calls, fetchImpl } = recordingFetch(() => new Response('<ConfirmSubscriptionResponse/>'));

    await new HttpsSnsSubscriptionConfirmer(1000, fetchImpl).confirm(subscribeUrl);

    expect(calls.map((call) => call.url)).toEqual([subscribeUrl]);
    expect(calls[0].init).toMatchObject({ redirect: 'error' });
  });

  it('fails with a 503 error when SNS does not confirm, so that SNS retries', async () => {
    const { fetchImpl } = recordingFetch(() => new Response('no', { status: 500 }));

    await expect(
      new HttpsSnsSubscriptionConfirmer(1000, fetchImpl).confirm(subscribeUrl),
    ).rejects.toMatchObject({ code: 'SUBSCRIPTION_CONFIRMATION_FAILED', status: 503 });
  });

  it('refuses to follow a URL off the SNS hosts', async () => {
    const { calls, fetchImpl } = recordingFetch(() => new Response(''));

    await expect(
      new HttpsSnsSubscriptionConfirmer(1000, fetchImpl).confirm(
        'https://attacker.example/?Action=ConfirmSubscription',
      ),
    ).rejects.toThrow('refusing to follow');
    expect(calls).toEqual([]);
  });
});
