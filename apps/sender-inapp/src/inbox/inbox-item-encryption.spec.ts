import { FieldEncryptor, InMemoryDataKeys, isEncrypted } from '@switchboard/encryption';
import { type InboxItemContent, InboxItemEncryption } from './inbox-item-encryption';

function setUp() {
  const keys = new InMemoryDataKeys();
  // What erasure asks of the key store: destroy the recipient's key, and drop it from the cache.
  const forgotten: string[] = [];
  const keyManagement = {
    destroyRecipientKey: async (tenantId: string, recipientId: string) => {
      await keys.destroy(tenantId, recipientId);
      return (await keys.keyFor(tenantId, recipientId)).keyId;
    },
    forgetRecipient: (tenantId: string, recipientId: string) => {
      forgotten.push(`${tenantId}/${recipientId}`);
    },
  };
  return { keys, forgotten, encryption: new InboxItemEncryption(new FieldEncryptor(keys), keyManagement) };
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
    expect(keys.lookups).toBe(2);
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
      unreadable: [{ field: 'title', code: 'DECRYPTION_FAILED', keyId: 'k1' }],
    });
    expect(opened[1]).toEqual({ ok: true, content });
  });

  it("makes an erased recipient's items unreadable and forgets their key in this replica", async () => {
    const { encryption, forgotten } = setUp();
    const [sealed] = await encryption.sealMany([{ ...ada, content }]);

    await expect(encryption.destroyRecipientKey('acme', 'ada')).resolves.toBe('k1');
    expect(forgotten).toEqual(['acme/ada']);
    const [opened] = await encryption.openMany([{ ...ada, content: sealed }]);
    expect(opened).toMatchObject({
      ok: false,
      unreadable: expect.arrayContaining([{ field: 'title', code: 'KEY_DESTROYED', keyId: 'k1' }]),
    });
  });
});
