import { EncryptionError, isKeyDestroyed } from './encryption-error';
import { FieldEncryptor } from './field-encryptor';
import { InMemoryDataKeys } from './in-memory-data-keys';

const scope = { tenantId: 'acme', recipientId: 'user-1' };
const payload = {
  messageId: 'm-1',
  recipient: { id: 'user-1', email: 'jane@example.com', phone: '+14155550123' },
  contactPoints: [
    { channel: 'email', address: 'jane@example.com' },
    { channel: 'sms', address: '+14155550123' },
  ],
  data: { orderId: 'o-9', firstName: 'Jane' },
  subject: null,
};
const paths = [
  'recipient.email',
  'recipient.phone',
  'contactPoints.*.address',
  'data',
  'subject',
  'absent.field',
];

async function errorOf(action: Promise<unknown>): Promise<EncryptionError> {
  try {
    await action;
  } catch (error) {
    if (error instanceof EncryptionError) return error;
    throw error;
  }
  throw new Error('expected an EncryptionError');
}

describe('FieldEncryptor', () => {
  it('encrypts the personal fields of a payload by path and reads them back, leaving the rest and the original alone', async () => {
    const encryptor = new FieldEncryptor(new InMemoryDataKeys());
    const original = structuredClone(payload);

    const encrypted = await encryptor.encryptFields(payload, paths, scope);

    expect(payload).toEqual(original);
    expect(JSON.stringify(encrypted)).not.toMatch(/jane|4155550123|Jane/);
    expect(encrypted.messageId).toBe('m-1');
    expect(encrypted.recipient.id).toBe('user-1');
    expect(encrypted.contactPoints[1].channel).toBe('sms');
    expect(encrypted.subject).toBeNull();
    expect(typeof encrypted.data).toBe('string');
    expect(await encryptor.decryptFields(encrypted, paths, scope)).toEqual(payload);
  });

  it('refuses a field moved to another path of the same payload', async () => {
    const encryptor = new FieldEncryptor(new InMemoryDataKeys());
    const encrypted = await encryptor.encryptFields(payload, paths, scope);
    const swapped = { ...encrypted, recipient: { ...encrypted.recipient, email: encrypted.recipient.phone } };
    expect((await errorOf(encryptor.decryptFields(swapped, paths, scope))).code).toBe('DECRYPTION_FAILED');
  });

  it("refuses another tenant's or recipient's value", async () => {
    const encryptor = new FieldEncryptor(new InMemoryDataKeys());
    const text = await encryptor.encryptText('jane@example.com', { ...scope, field: 'email' });
    const otherTenant = await errorOf(
      encryptor.decrypt(text, { tenantId: 'globex', recipientId: 'user-1', field: 'email' }),
    );
    expect(otherTenant.code).toBe('DECRYPTION_FAILED');
    const otherRecipient = await errorOf(
      encryptor.decrypt(text, { ...scope, recipientId: 'user-2', field: 'email' }),
    );
    expect(otherRecipient.code).toBe('DECRYPTION_FAILED');
  });

  it('tells an erased value (destroyed key) apart from a fault', async () => {
    const keys = new InMemoryDataKeys();
    const encryptor = new FieldEncryptor(keys);
    const text = await encryptor.encryptText('jane@example.com', { ...scope, field: 'email' });
    await keys.destroy('acme', 'user-1');
    const error = await errorOf(encryptor.decryptText(text, { ...scope, field: 'email' }));
    expect(isKeyDestroyed(error)).toBe(true);
  });

  it('fails on plaintext where ciphertext belongs unless plaintext is allowed for a migration', async () => {
    const encryptor = new FieldEncryptor(new InMemoryDataKeys());
    const plain = { email: 'jane@example.com' };
    expect((await errorOf(encryptor.decryptFields(plain, ['email'], scope))).code).toBe(
      'MALFORMED_CIPHERTEXT',
    );
    expect(await encryptor.decryptFields(plain, ['email'], scope, { plaintextAllowed: true })).toEqual(plain);
  });

  it('names the field of a bad path or context', async () => {
    const encryptor = new FieldEncryptor(new InMemoryDataKeys());
    const badPath = await errorOf(encryptor.encryptFields(payload, ['recipient..email'], scope));
    expect(badPath.code).toBe('INVALID_ARGUMENT');
    expect(badPath.message).toMatch(/field path/);
    const badContext = await errorOf(encryptor.encrypt('x', { tenantId: '', field: 'email' }));
    expect(badContext.problems[0].field).toBe('tenantId');
    const prototype = await errorOf(encryptor.encryptFields(payload, ['__proto__.polluted'], scope));
    expect(prototype.code).toBe('INVALID_ARGUMENT');
  });

  describe('batches', () => {
    it('encrypts many values in order and reads them back, each with its own context', async () => {
      const keys = new InMemoryDataKeys();
      const encryptor = new FieldEncryptor(keys);
      const contexts = [
        { tenantId: 'acme', recipientId: 'user-1', field: 'email' },
        { tenantId: 'acme', recipientId: 'user-2', field: 'email' },
        { tenantId: 'acme', recipientId: 'user-1', field: 'attributes' },
      ];
      const values = ['jane@example.com', 'joe@example.com', { plan: 'pro' }];
      const sealed = await encryptor.encryptMany(
        values.map((value, index) => ({ value, context: contexts[index] })),
      );
      expect(sealed.every((text) => text.startsWith('sbenc:v1:'))).toBe(true);
      const opened = await encryptor.decryptMany(
        sealed.map((ciphertext, index) => ({ ciphertext, context: contexts[index] })),
      );
      expect(opened).toEqual(values.map((value) => ({ ok: true, value })));
    });

    it('answers an error in place of a value moved to another recipient, a destroyed one or garbage, and reads the rest', async () => {
      const keys = new InMemoryDataKeys();
      const encryptor = new FieldEncryptor(keys);
      const [jane, joe, erased] = await encryptor.encryptMany([
        { value: 'jane@example.com', context: { tenantId: 'acme', recipientId: 'user-1', field: 'email' } },
        { value: 'joe@example.com', context: { tenantId: 'acme', recipientId: 'user-2', field: 'email' } },
        { value: 'gone@example.com', context: { tenantId: 'acme', recipientId: 'user-3', field: 'email' } },
      ]);
      await keys.destroy('acme', 'user-3');
      const opened = await encryptor.decryptMany([
        { ciphertext: jane, context: { tenantId: 'acme', recipientId: 'user-2', field: 'email' } },
        { ciphertext: joe, context: { tenantId: 'acme', recipientId: 'user-2', field: 'email' } },
        { ciphertext: erased, context: { tenantId: 'acme', recipientId: 'user-3', field: 'email' } },
        {
          ciphertext: 'jane@example.com',
          context: { tenantId: 'acme', recipientId: 'user-1', field: 'email' },
        },
        { ciphertext: joe, context: { tenantId: 'other', recipientId: 'user-2', field: 'email' } },
      ]);
      expect(opened.map((result) => (result.ok ? result.value : result.error.code))).toEqual([
        'DECRYPTION_FAILED',
        'joe@example.com',
        'KEY_DESTROYED',
        'MALFORMED_CIPHERTEXT',
        'DECRYPTION_FAILED',
      ]);
    });
  });
});
