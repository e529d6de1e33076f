import { randomBytes } from 'node:crypto';
import { EncryptionError } from './encryption-error';
import { LocalKeyProvider } from './key-provider';
import type { MasterKey } from './master-keys';

const oldKey: MasterKey = { id: 'old', secret: randomBytes(32) };
const newKey: MasterKey = { id: 'new', secret: randomBytes(32) };

async function codeOf(action: Promise<unknown>): Promise<string | undefined> {
  try {
    await action;
  } catch (error) {
    if (error instanceof EncryptionError) return error.code;
    throw error;
  }
  return undefined;
}

describe('LocalKeyProvider', () => {
  it('wraps a new 32-byte data key with the first master key and unwraps it', async () => {
    const provider = new LocalKeyProvider({ keys: [oldKey] });
    const { material, wrapped } = await provider.generateDataKey('dk1');
    expect(material).toHaveLength(32);
    expect(wrapped.masterKeyId).toBe('old');
    expect(wrapped.wrappedKey.includes(material)).toBe(false);
    expect((await provider.unwrapDataKey(wrapped, 'dk1')).equals(material)).toBe(true);
  });

  it('still unwraps keys of a retired master key listed after the new one, and wraps with the new one', async () => {
    const before = new LocalKeyProvider({ keys: [oldKey] });
    const { material, wrapped } = await before.generateDataKey('dk1');
    const during = new LocalKeyProvider({ keys: [newKey, oldKey] });

    const unwrapped = await during.unwrapDataKey(wrapped, 'dk1');
    const rewrapped = await during.wrapDataKey(unwrapped, 'dk1');

    expect(rewrapped.masterKeyId).toBe('new');
    const after = new LocalKeyProvider({ keys: [newKey] });
    expect((await after.unwrapDataKey(rewrapped, 'dk1')).equals(material)).toBe(true);
  });

  it('says which master key is missing once a retired one is removed too early', async () => {
    const { wrapped } = await new LocalKeyProvider({ keys: [oldKey] }).generateDataKey('dk1');
    expect(await codeOf(new LocalKeyProvider({ keys: [newKey] }).unwrapDataKey(wrapped, 'dk1'))).toBe(
      'UNKNOWN_MASTER_KEY',
    );
  });

  it('refuses a wrapped key copied onto another data key id, or changed', async () => {
    const provider = new LocalKeyProvider({ keys: [oldKey] });
    const { wrapped } = await provider.generateDataKey('dk1');
    expect(await codeOf(provider.unwrapDataKey(wrapped, 'dk2'))).toBe('DECRYPTION_FAILED');
    const changed = Buffer.from(wrapped.wrappedKey);
    changed[20] ^= 1;
    expect(await codeOf(provider.unwrapDataKey({ ...wrapped, wrappedKey: changed }, 'dk1'))).toBe(
      'DECRYPTION_FAILED',
    );
  });

  it('refuses a master key id that wraps with another master key of the same id', async () => {
    const { wrapped } = await new LocalKeyProvider({ keys: [oldKey] }).generateDataKey('dk1');
    const impostor = new LocalKeyProvider({ keys: [{ id: 'old', secret: randomBytes(32) }] });
    expect(await codeOf(impostor.unwrapDataKey(wrapped, 'dk1'))).toBe('DECRYPTION_FAILED');
  });
});
