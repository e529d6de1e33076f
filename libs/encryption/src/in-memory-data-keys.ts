import { randomBytes } from 'node:crypto';
import type { DataKey, DataKeySource } from './data-key-store';
import { EncryptionError } from './encryption-error';

/**
 * Data keys in memory, one per tenant or recipient, for unit tests of code that seals values (the
 * PostgreSQL store has its own integration test). `destroy` stands for erasing a recipient.
 */
export class InMemoryDataKeys implements DataKeySource {
  private readonly keys = new Map<string, DataKey>();
  private readonly destroyed = new Set<string>();
  /** Lookups that reached the source, to check that a batch costs one. */
  lookups = 0;

  async keyFor(tenantId: string, recipientId?: string): Promise<DataKey> {
    const owner = `${tenantId}/${recipientId ?? ''}`;
    let key = this.keys.get(owner);
    if (key === undefined) {
      key = { keyId: `k${this.keys.size + 1}`, tenantId, material: randomBytes(32) };
      this.keys.set(owner, key);
    }
    return key;
  }

  async keyById(keyId: string): Promise<DataKey> {
    if (this.destroyed.has(keyId))
      throw new EncryptionError('KEY_DESTROYED', `data key ${keyId} was destroyed`);
    const key = [...this.keys.values()].find((candidate) => candidate.keyId === keyId);
    if (key === undefined) throw new EncryptionError('UNKNOWN_DATA_KEY', `no data key ${keyId} was found`);
    return key;
  }

  async keysFor(owners: ReadonlyArray<{ tenantId: string; recipientId?: string }>): Promise<DataKey[]> {
    this.lookups += 1;
    return Promise.all(owners.map(({ tenantId, recipientId }) => this.keyFor(tenantId, recipientId)));
  }

  async keysByIds(keyIds: readonly string[]): Promise<Map<string, DataKey | EncryptionError>> {
    this.lookups += 1;
    const answers = new Map<string, DataKey | EncryptionError>();
    for (const keyId of keyIds) {
      answers.set(
        keyId,
        await this.keyById(keyId).catch((error: unknown) => {
          if (error instanceof EncryptionError) return error;
          throw error;
        }),
      );
    }
    return answers;
  }

  /** Destroys the recipient's key, as erasing them does. */
  async destroy(tenantId: string, recipientId: string): Promise<void> {
    this.destroyed.add((await this.keyFor(tenantId, recipientId)).keyId);
  }
}
