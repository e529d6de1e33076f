import { request } from 'node:https';
import { createTestCertificates, type TestCertificates } from '@switchboard/testing';
import { createTestGateway, type TestGateway } from './support/test-gateway';

interface HttpsAnswer {
  status: number;
  body: string;
}

/** A GET that trusts only `ca`, so that a certificate the gateway did not serve fails the call. */
function getOverHttps(url: string, ca: string): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: 'GET', ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
      response.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('gateway over HTTPS (TLS_CERT, TLS_KEY)', () => {
  let certificates: TestCertificates;
  let gateway: TestGateway;

  beforeAll(async () => {
    certificates = await createTestCertificates();
    gateway = await createTestGateway({
      env: { TLS_CERT: certificates.selfSigned.certFile, TLS_KEY: certificates.selfSigned.keyFile },
    });
  });

  afterAll(async () => {
    await gateway?.close();
    await certificates?.remove();
  });

  it('serves /health/live over https with its certificate', async () => {
    expect(gateway.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);

    const answer = await getOverHttps(`${gateway.url}/health/live`, certificates.selfSigned.cert);

    expect(answer.status).toBe(200);
  });

  it('is not reached over https by a client that does not trust its certificate', async () => {
    await expect(getOverHttps(`${gateway.url}/health/live`, certificates.ca.cert)).rejects.toThrow(
      /self-signed certificate/,
    );
  });

  it('does not answer plain HTTP on its port', async () => {
    const plain = gateway.url.replace(/^https:/, 'http:');

    await expect(fetch(`${plain}/health/live`)).rejects.toThrow();
  });
});
