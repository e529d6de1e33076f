import {
  type IdempotencyClaim,
  type IdempotencyRecord,
  IdempotencyStore,
  type StoredResponse,
} from '../../src/idempotency/idempotency-record';

/** The store's semantics without a database, for use-case specs. */
export class InMemoryIdempotencyStore extends IdempotencyStore {
  readonly records = new Map<string, IdempotencyRecord>();

  async claim(claim: IdempotencyClaim): Promise<boolean> {
    const id = `${claim.tenantId}/${claim.key}`;
    if (this.records.has(id)) return false;
    this.records.set(id, { ...claim, state: 'pending' });
    return true;
  }

  async find(tenantId: string, key: string): Promise<IdempotencyRecord | undefined> {
    const record = this.records.get(`${tenantId}/${key}`);
    return record && { ...record };
  }

  async complete(tenantId: string, key: string, response: StoredResponse): Promise<void> {
    const record = this.records.get(`${tenantId}/${key}`);
    if (record) Object.assign(record, { state: 'completed', response });
  }

  async release(tenantId: string, key: string): Promise<void> {
    const record = this.records.get(`${tenantId}/${key}`);
    if (record?.state === 'pending') this.records.delete(`${tenantId}/${key}`);
  }

  async removeStale(tenantId: string, key: string, now: Date, abandonedBefore: Date): Promise<void> {
    const record = this.records.get(`${tenantId}/${key}`);
    if (!record) return;
    const expired = record.expiresAt.getTime() <= now.getTime();
    const abandoned = record.state === 'pending' && record.createdAt.getTime() <= abandonedBefore.getTime();
    if (expired || abandoned) this.records.delete(`${tenantId}/${key}`);
  }

  async purgeExpired(now: Date): Promise<number> {
    let purged = 0;
    for (const [id, record] of this.records) {
      if (record.expiresAt.getTime() <= now.getTime()) {
        this.records.delete(id);
        purged += 1;
      }
    }
    return purged;
  }
}
