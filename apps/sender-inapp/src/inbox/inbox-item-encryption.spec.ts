import { randomBytes } from 'node:crypto';
import {
  type DataKey,
  type DataKeySource,
  EncryptionError,
  FieldEncryptor,
  isEncrypted,
} from '@switchboard/encryption';
import { type InboxItemContent, InboxItemEncryption } from './inbox-item-encryption';

/** One key per recipient in memory; the PostgreSQL key store has its own integration test. */
class KeysInMemory implements DataKeySource {
  private readonly keys = new Map<string, DataKey>();
  readonly destroyed = new Set<string>();
  readonly forgotten: string[] = [];
  keyLookups = 0;

  async keyFor(tenantId: string, recipientId?: string): Promise<DataKey> {
    const owner = JSON.stringify([tenantId, recipientId ?? null]);
    let key = this.keys.get(owner);
    if (key === undefined) {
      key = { keyId: `key${this.keys.size + 1}`, tenantId, material: randomBytes(32) };
      this.keys.set(owner, key);
    }
    return key;
  }

  async keyById(keyId: string): Promise<DataKey> {
    if (this.destroyed.has(keyId)) throw new EncryptionError('KEY_DESTROYED', keyId);
    const key = [...this.keys.values()].find((candidate) => candidate.keyId === keyId);
    if (key === undefined) throw new EncryptionError('UNKNOWN_DATA_KEY', keyId);
    return key;
  }

  keysFor(owners: ReadonlyArray<{ tenantId: string; recipientId?: string }>): Promise<DataKey[]> {
    this.keyLookups += 1;
    return Promise.all(owners.map(({ tenantId, recipientId }) => this.keyFor(tenantId, recipientId)));
  }

  async keysByIds(keyIds: readonly string[]): Promise<Map<string, DataKey | EncryptionError>> {
    this.keyLookups += 1;
    const found = new Map<string, DataKey | EncryptionError>();
    for (const keyId of keyIds)
      found.set(keyId, await this.keyById(keyId).catch((error: EncryptionError) => error));
    return found;
  }

  async destroyRecipientKey(tenantId: string, recipientId: string): Promise<string | undefined> {
    const keyId = (await this.keyFor(tenantId, recipientId)).keyId;
    this.destroyed.add(keyId);
    return keyId;
  }

  forgetRecipient(tenantId: string, recipientId: string): void {
    this.forgotten.push(`${tenantId}/${recipientId}`);
  }
}

function setUp() {
  const keys = new KeysInMemory();
  return { keys, encryption: new InboxItemEncryption(new FieldEncryptor(keys), keys) };
}

const ada = { tenantId: 'acme', recipientId: 'ada' };
const grace = { tenantId: 'acme', recipientId: 'grace' };
const content: InboxItemContent = {
  title: 'Your order for Ada Lovelace shipped',
  body: 'It arrives at 12 Analytical Row on Tuesday.',
  actionUrl: 'https://shop.example.com/orders/42?email=ada@example.com',
  data: { orderId: 42, address: '12 Analytical Row' },
};

describe('InboxItemEncryption', () => {
  it('seals title, body, action URL and data so that none of them shows, and opens them as they were', async () => {
    const { encryption } = setUp();
    const [sealed] = await encryption.sealMany([{ ...ada, content }]);

    for (const value of [sealed.title, sealed.body, sealed.actionUrl, sealed.data]) {
      expect(isEncrypted(value)).toBe(true);
    }
    expect(JSON.stringify(sealed)).not.toMatch(/Ada|Analytical|ada@example/);
    const [opened] = await encryption.openMany([{ ...ada, content: sealed }]);
    expect(opened).toEqual({ ok: true, content });
  });

  it('leaves an absent action URL and data null', async () => {
    const { encryption } = setUp();
    const [sealed] = await encryption.sealMany([
      { ...ada, content: { ...content, actionUrl: null, data: null } },
    ]);
    expect(sealed.actionUrl).toBeNull();
    expect(sealed.data).toBeNull();
    const [opened] = await encryption.openMany([{ ...ada, content: sealed }]);
    expect(opened).toEqual({ ok: true, content: { ...content, actionUrl: null, data: null } });
  });

  it('seals and opens a batch of many recipients with one key lookup each way', async () => {
    const { encryption, keys } = setUp();
    const owners = Array.from({ length: 50 }, (_, index) => ({ tenantId: 'acme', recipientId: `r${index}` }));
    const sealed = await encryption.sealMany(owners.map((owner) => ({ ...owner, content })));
    const opened = await encryption.openMany(
      owners.map((owner, index) => ({ ...owner, content: sealed[index] })),
    );
    expect(opened.every((result) => result.ok)).toBe(true);
    expect(keys.keyLookups).toBe(2);
  });

  it('reads plaintext rows written before encryption as they are', async () => {
    const { encryption } = setUp();
    const [opened] = await encryption.openMany([{ ...ada, content }]);
    expect(opened).toEqual({ ok: true, content });
  });

  it("names the field, reason and key of an item that does not open, while the batch's other items open", async () => {
    const { encryption } = setUp();
    const [adas, graces] = await encryption.sealMany([
      { ...ada, content },
      { ...grace, content },
    ]);
    // Ada's title copied into Grace's item: bound to Ada, it does not open there.
    const opened = await encryption.openMany([
      { ...grace, content: { ...graces, title: adas.title } },
      { ...ada, content: adas },
    ]);
    expect(opened[0]).toEqual({
      ok: false,
      unreadable: [{ field: 'title', code: 'DECRYPTION_FAILED', keyId: 'key1' }],
    });
    expect(opened[1]).toEqual({ ok: true, content });
  });

  it("makes an erased recipient's items unreadable and forgets their key in this replica", async () => {
    const { encryption, keys } = setUp();
    const [sealed] = await encryption.sealMany([{ ...ada, content }]);

    await expect(encryption.destroyRecipientKey('acme', 'ada')).resolves.toBe('key1');
    expect(keys.forgotten).toEqual(['acme/ada']);
    const [opened] = await encryption.openMany([{ ...ada, content: sealed }]);
    expect(opened).toMatchObject({
      ok: false,
      unreadable: expect.arrayContaining([{ field: 'title', code: 'KEY_DESTROYED', keyId: 'key1' }]),
    });
  });
});
