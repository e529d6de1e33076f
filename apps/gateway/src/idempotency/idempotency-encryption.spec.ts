import { randomBytes } from 'node:crypto';
import { BlindIndex, FieldEncryptor, InMemoryDataKeys, isEncrypted } from '@switchboard/encryption';
import { IdempotencyEncryption } from './idempotency-encryption';
import { fingerprintRequest } from './request-fingerprint';

const encryption = new IdempotencyEncryption(
  new FieldEncryptor(new InMemoryDataKeys()),
  new BlindIndex(randomBytes(32)),
);
const body = { recipient: { email: 'ada@example.com' }, type: 'welcome' };

describe('IdempotencyEncryption', () => {
  it('fingerprints a request with a key: not the plain sha256, the same for the same body in any key order', () => {
    const fingerprint = encryption.fingerprint('acme', 'POST /v1/messages', body);

    expect(fingerprint.requestHash).not.toBe(fingerprintRequest('POST /v1/messages', body));
    expect(fingerprint.requestHash.length).toBeLessThanOrEqual(64);
    expect(
      encryption.fingerprint('acme', 'POST /v1/messages', {
        type: 'welcome',
        recipient: { email: 'ada@example.com' },
      }),
    ).toEqual(fingerprint);
  });

  it('tells apart another body, another route and another tenant', () => {
    const { requestHash } = encryption.fingerprint('acme', 'POST /v1/messages', body);
    const others = [
      encryption.fingerprint('acme', 'POST /v1/messages', {
        ...body,
        recipient: { email: 'grace@example.com' },
      }),
      encryption.fingerprint('acme', 'POST /v1/messages/batch', body),
      encryption.fingerprint('globex', 'POST /v1/messages', body),
    ];
    for (const other of others) expect(other.requestHash).not.toBe(requestHash);
  });

  it('keeps the unkeyed sha256 as the legacy fingerprint that older records hold', () => {
    expect(encryption.fingerprint('acme', 'POST /v1/messages', body).legacyRequestHash).toBe(
      fingerprintRequest('POST /v1/messages', body),
    );
  });

  it("seals an answer with the tenant's key and opens it as it was", async () => {
    const answer = { accepted: 1, rejected: 1, results: [{ index: 1, status: 'rejected', problems: [] }] };
    const sealed = await encryption.sealResponseBody('acme', answer);

    expect(isEncrypted(sealed)).toBe(true);
    await expect(encryption.openResponseBody('acme', sealed)).resolves.toEqual(answer);
  });

  it("does not open another tenant's answer", async () => {
    const sealed = await encryption.sealResponseBody('acme', { messageId: 'm-1', status: 'accepted' });
    await expect(encryption.openResponseBody('globex', sealed)).rejects.toMatchObject({
      code: 'DECRYPTION_FAILED',
    });
  });

  it('passes an answer stored before encryption through as it is', async () => {
    const stored = { messageId: 'm-1', status: 'accepted' };
    await expect(encryption.openResponseBody('acme', stored)).resolves.toEqual(stored);
  });
});
