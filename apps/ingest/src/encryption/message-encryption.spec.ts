import { FieldEncryptor, InMemoryDataKeys } from '@switchboard/encryption';
import { MessageEncryption } from './message-encryption';

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
  const keys = new InMemoryDataKeys();
  return { keys, encryption: new MessageEncryption({ encryptor: new FieldEncryptor(keys) }) };
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
    await keys.destroy('acme', 'jane');

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
