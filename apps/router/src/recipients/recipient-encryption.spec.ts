import { randomBytes } from 'node:crypto';
import { BlindIndex, FieldEncryptor, InMemoryDataKeys } from '@switchboard/encryption';
import { RecipientEncryption } from './recipient-encryption';

/** The in-memory keys with the key store's two erasure calls, recording what the cache forgot. */
class ErasableKeys extends InMemoryDataKeys {
  readonly forgotten: string[] = [];

  async destroyRecipientKey(tenantId: string, recipientId: string): Promise<string> {
    await this.destroy(tenantId, recipientId);
    return (await this.keyFor(tenantId, recipientId)).keyId;
  }

  forgetRecipient(tenantId: string, recipientId: string): void {
    this.forgotten.push(`${tenantId}/${recipientId}`);
  }
}

function setUp() {
  const keys = new ErasableKeys();
  return {
    keys,
    encryption: new RecipientEncryption(new FieldEncryptor(keys), new BlindIndex(randomBytes(32)), keys),
  };
}

const subscription = {
  endpoint: 'https://push.example.com/send/1',
  p256dh: 'BPublicKey',
  auth: 'secret-auth',
};

describe('RecipientEncryption', () => {
  it('seals what is given, leaves null and absent fields as they are, and opens it all again', async () => {
    const { encryption } = setUp();
    const [sealed] = await encryption.sealChanges([
      {
        tenantId: 'acme',
        recipientId: 'jane',
        changes: {
          email: 'jane@example.com',
          phone: null,
          timeZone: 'Europe/Paris',
          attributes: { plan: 'pro' },
        },
      },
    ]);
    const [stored] = await encryption.sealSubscriptions([
      { tenantId: 'acme', recipientId: 'jane', subscription },
    ]);

    expect(sealed).toMatchObject({ phone: null, timeZone: 'Europe/Paris' });
    expect(sealed.locale).toBeUndefined();
    for (const value of [sealed.email, sealed.attributes, stored.endpoint, stored.p256dh, stored.auth]) {
      expect(value).toMatch(/^sbenc:v1:/);
    }
    const [opened] = await encryption.openMany([
      {
        tenantId: 'acme',
        recipientId: 'jane',
        email: sealed.email as string,
        phone: null,
        attributes: sealed.attributes,
        pushSubscriptions: [stored],
      },
    ]);
    expect(opened).toEqual({
      email: 'jane@example.com',
      phone: null,
      attributes: { plan: 'pro' },
      pushSubscriptions: [subscription],
      unreadable: [],
    });
  });

  it('finds one endpoint under one index per tenant, and another tenant under another', () => {
    const { encryption } = setUp();

    expect(encryption.endpointIndex('acme', subscription.endpoint)).toBe(
      encryption.endpointIndex('acme', subscription.endpoint),
    );
    expect(encryption.endpointIndex('acme', subscription.endpoint)).not.toBe(
      encryption.endpointIndex('globex', subscription.endpoint),
    );
  });

  it('reads rows written before encryption as they are', async () => {
    const { encryption } = setUp();

    const [opened] = await encryption.openMany([
      {
        tenantId: 'acme',
        recipientId: 'old',
        email: 'old@example.com',
        phone: '+14155550123',
        attributes: { plan: 'basic' },
        pushSubscriptions: [subscription],
      },
    ]);

    expect(opened).toMatchObject({
      email: 'old@example.com',
      phone: '+14155550123',
      attributes: { plan: 'basic' },
      pushSubscriptions: [subscription],
      unreadable: [],
    });
  });

  it('leaves out what does not open, naming field, reason and key, and opens the rest of the batch', async () => {
    const { encryption, keys } = setUp();
    const [jane, joe] = await encryption.sealChanges([
      { tenantId: 'acme', recipientId: 'jane', changes: { email: 'jane@example.com', attributes: {} } },
      { tenantId: 'acme', recipientId: 'joe', changes: { email: 'joe@example.com', phone: '+14155550123' } },
    ]);
    const [janes] = await encryption.sealSubscriptions([
      { tenantId: 'acme', recipientId: 'jane', subscription },
    ]);
    const erasedKey = await encryption.destroyRecipientKey('acme', 'erased');
    expect(keys.forgotten).toEqual(['acme/erased']);
    const [erased] = await encryption.sealChanges([
      { tenantId: 'acme', recipientId: 'other', changes: { email: 'other@example.com' } },
    ]);

    const [forJoe, forErased] = await encryption.openMany([
      {
        tenantId: 'acme',
        recipientId: 'joe',
        // Jane's values copied into Joe's row.
        email: jane.email as string,
        phone: joe.phone as string,
        attributes: jane.attributes,
        pushSubscriptions: [janes],
      },
      {
        tenantId: 'acme',
        recipientId: 'erased',
        email: (erased.email as string).replace(/^sbenc:v1:[^:]+:/, `sbenc:v1:${erasedKey}:`),
        phone: null,
        pushSubscriptions: [],
      },
    ]);

    const janesKey = (await keys.keyFor('acme', 'jane')).keyId;
    expect(forJoe).toEqual({
      email: null,
      phone: '+14155550123',
      attributes: {},
      pushSubscriptions: [],
      unreadable: [
        { field: 'email', code: 'DECRYPTION_FAILED', keyId: janesKey },
        { field: 'attributes', code: 'DECRYPTION_FAILED', keyId: janesKey },
        { field: 'endpoint', code: 'DECRYPTION_FAILED', keyId: janesKey },
        { field: 'p256dh', code: 'DECRYPTION_FAILED', keyId: janesKey },
        { field: 'auth', code: 'DECRYPTION_FAILED', keyId: janesKey },
      ],
    });
    expect(forErased.email).toBeNull();
    expect(forErased.unreadable).toEqual([{ field: 'email', code: 'KEY_DESTROYED', keyId: erasedKey }]);
    expect(JSON.stringify([forJoe, forErased])).not.toContain('jane@example.com');
  });
});
