import { randomBytes } from 'node:crypto';
import { type DataKey, type DataKeySource, EncryptionError, FieldEncryptor } from '@switchboard/encryption';
import { MessageEncryption } from './message-encryption';

/** One key per tenant or recipient in memory; the PostgreSQL key store has its own integration test. */
class KeysInMemory implements DataKeySource {
  private readonly keys = new Map<string, DataKey>();
  readonly destroyed = new Set<string>();
  lookups = 0;

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
    this.lookups += 1;
    return Promise.all(owners.map(({ tenantId, recipientId }) => this.keyFor(tenantId, recipientId)));
  }

  async keysByIds(keyIds: readonly string[]): Promise<Map<string, DataKey | EncryptionError>> {
    this.lookups += 1;
    const found = new Map<string, DataKey | EncryptionError>();
    for (const keyId of keyIds)
      found.set(keyId, await this.keyById(keyId).catch((error: EncryptionError) => error));
    return found;
  }
}

const toJane = {
  tenantId: 'acme',
  recipient: { id: 'jane', email: 'jane@example.com', phone: '+14155550123' },
  content: { templateKey: 'welcome', data: { plan: 'platinum' } },
};
const toAddress = {
  tenantId: 'acme',
  recipient: { email: 'joe@example.com' },
  content: { subject: 'Hello', text: 'Hello Joe' },
};

function setup() {
  const keys = new KeysInMemory();
  return { keys, encryption: new MessageEncryption(new FieldEncryptor(keys)) };
}

describe('MessageEncryption', () => {
  it('seals email, phone and content, keeps the recipient id, and opens a batch as it was with one key lookup each way', async () => {
    const { keys, encryption } = setup();
    const sealed = await encryption.sealMany([toJane, toAddress]);
    expect(keys.lookups).toBe(1);

    expect(sealed[0].recipient).toEqual({
      id: 'jane',
      email: expect.stringMatching(/^sbenc:v1:/),
      phone: expect.stringMatching(/^sbenc:v1:/),
    });
    expect(JSON.stringify(sealed)).not.toMatch(/jane@example|joe@example|4155550123|platinum|Hello/);
    // Jane's values with Jane's key (erasing her shreds them); a bare address with the tenant's.
    expect(sealed[0].content).toContain(`:${(await keys.keyFor('acme', 'jane')).keyId}:`);
    expect(sealed[1].content).toContain(`:${(await keys.keyFor('acme')).keyId}:`);

    keys.lookups = 0;
    const opened = await encryption.openMany(sealed.map((values) => ({ tenantId: 'acme', ...values })));
    expect(keys.lookups).toBe(1);
    expect(opened).toEqual([
      { ok: true, recipient: toJane.recipient, content: toJane.content },
      { ok: true, recipient: toAddress.recipient, content: toAddress.content },
    ]);
  });

  it('reads a row stored before encryption as it is', async () => {
    const { keys, encryption } = setup();
    expect(await encryption.openMany([toJane])).toEqual([
      { ok: true, recipient: toJane.recipient, content: toJane.content },
    ]);
    expect(keys.lookups).toBe(0);
  });

  it('answers the error of a message whose recipient was erased, naming the key but no value', async () => {
    const { keys, encryption } = setup();
    const [sealed] = await encryption.sealMany([toJane]);
    const key = await keys.keyFor('acme', 'jane');
    keys.destroyed.add(key.keyId);

    expect(await encryption.openMany([{ tenantId: 'acme', ...sealed }])).toEqual([
      { ok: false, code: 'KEY_DESTROYED', keyId: key.keyId },
    ]);
  });

  it('does not open content moved to another recipient’s message', async () => {
    const { encryption } = setup();
    const [jane] = await encryption.sealMany([toJane]);
    const [joe] = await encryption.sealMany([
      { ...toJane, recipient: { id: 'joe', email: 'joe@example.com' } },
    ]);

    const [opened] = await encryption.openMany([
      { tenantId: 'acme', recipient: joe.recipient, content: jane.content },
    ]);
    expect(opened).toMatchObject({ ok: false, code: 'DECRYPTION_FAILED' });
  });
});
