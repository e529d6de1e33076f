import { InMemoryIdempotencyStore } from '../../test/support/in-memory-idempotency-store';
import { PurgeExpiredRecords } from './purge-expired-records.usecase';

describe('PurgeExpiredRecords', () => {
  const now = new Date('2026-03-02T12:00:00Z');

  it('removes expired idempotency records only, and asks for accepted messages and SNS message ids older than their retention', async () => {
    const store = new InMemoryIdempotencyStore();
    await store.claim({
      tenantId: 'acme',
      key: 'expired',
      requestHash: 'h',
      createdAt: new Date('2026-03-01T11:00:00Z'),
      expiresAt: new Date('2026-03-02T11:00:00Z'),
    });
    await store.claim({
      tenantId: 'acme',
      key: 'fresh',
      requestHash: 'h',
      createdAt: new Date('2026-03-02T11:00:00Z'),
      expiresAt: new Date('2026-03-03T11:00:00Z'),
    });
    const cutoffs: Date[] = [];
    const acceptedMessages = {
      purgeAcceptedBefore: async (cutoff: Date) => {
        cutoffs.push(cutoff);
        return 7;
      },
    };

    const snsCutoffs: Date[] = [];
    const receivedSnsMessages = {
      purgeReceivedBefore: async (cutoff: Date) => {
        snsCutoffs.push(cutoff);
        return 3;
      },
    };

    const result = await new PurgeExpiredRecords(
      store,
      acceptedMessages,
      3_600_000,
      receivedSnsMessages,
      600_000,
      () => now,
    ).execute();

    expect(result).toEqual({ idempotencyRecords: 1, acceptedMessages: 7, receivedSnsMessages: 3 });
    expect([...store.records.keys()]).toEqual(['acme/fresh']);
    expect(cutoffs).toEqual([new Date('2026-03-02T11:00:00Z')]);
    expect(snsCutoffs).toEqual([new Date('2026-03-02T11:50:00Z')]);
  });
});
