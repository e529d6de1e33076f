import type { DeliveryEvent, EmailReceipt } from '@switchboard/contracts';
import {
  RecordEmailReceiptsUsecase,
  type SentEmail,
  type SentEmailLookup,
} from './record-email-receipts.usecase';

const messageId = '7d4f7f1c-2f3b-4a8e-9a61-000000000001';

class MemorySentEmails implements SentEmailLookup {
  lookups = 0;

  constructor(private readonly sent: Map<string, SentEmail>) {}

  async findByProviderMessageIds(providerMessageIds: readonly string[]): Promise<Map<string, SentEmail>> {
    this.lookups += 1;
    const found = new Map<string, SentEmail>();
    for (const id of providerMessageIds) {
      const sentEmail = this.sent.get(id);
      if (sentEmail) found.set(id, sentEmail);
    }
    return found;
  }
}

function receipt(overrides: Partial<EmailReceipt> = {}): EmailReceipt {
  return {
    provider: 'ses',
    providerMessageId: 'ses-1',
    notificationId: 'notification-1',
    type: 'delivery',
    occurredAt: '2030-01-01T10:00:00.000Z',
    ...overrides,
  };
}

function setUp() {
  const sentEmails = new MemorySentEmails(
    new Map([['ses-1', { tenantId: 'acme', messageId, provider: 'ses' }]]),
  );
  const published: DeliveryEvent[][] = [];
  const recordReceipts = new RecordEmailReceiptsUsecase({
    sentEmails,
    recordEvents: async (events) => {
      published.push(events);
    },
  });
  return { sentEmails, published, recordReceipts };
}

describe('RecordEmailReceiptsUsecase', () => {
  it('reports a delivery as delivered for the message the email was sent for', async () => {
    const { recordReceipts, published } = setUp();

    await recordReceipts.execute([receipt()]);

    expect(published).toEqual([
      [
        {
          tenantId: 'acme',
          messageId,
          type: 'delivered',
          occurredAt: '2030-01-01T10:00:00.000Z',
          source: 'sender-email',
          channel: 'email',
          provider: 'ses',
          detail: { notificationId: 'notification-1', providerMessageId: 'ses-1' },
        },
      ],
    ]);
  });

  it('reports a bounce once, with the bounce type and the provider detail as reason, and no address', async () => {
    const { recordReceipts, published } = setUp();

    await recordReceipts.execute([
      // A receipt recorded before the addresses were left out still carries them.
      receipt({
        type: 'bounce',
        bounceType: 'Permanent',
        recipients: ['ada@example.com', 'grace@example.com'],
        detail: 'smtp; 550 5.1.1 user unknown',
      }),
    ]);

    expect(published).toEqual([
      [
        {
          tenantId: 'acme',
          messageId,
          type: 'bounced',
          occurredAt: '2030-01-01T10:00:00.000Z',
          source: 'sender-email',
          channel: 'email',
          provider: 'ses',
          reason: 'Permanent: smtp; 550 5.1.1 user unknown',
          detail: {
            notificationId: 'notification-1',
            providerMessageId: 'ses-1',
            bounceType: 'Permanent',
            providerDetail: 'smtp; 550 5.1.1 user unknown',
          },
        },
      ],
    ]);
    expect(JSON.stringify(published)).not.toMatch(/ada@|grace@/);
  });

  it('reports a complaint once as complained, without an address', async () => {
    const { recordReceipts, published } = setUp();

    await recordReceipts.execute([
      receipt({ type: 'complaint', recipients: ['ada@example.com'], detail: 'abuse' }),
    ]);

    expect(published).toEqual([
      [
        expect.objectContaining({
          type: 'complained',
          reason: 'complaint: abuse',
          detail: { notificationId: 'notification-1', providerMessageId: 'ses-1', providerDetail: 'abuse' },
        }),
      ],
    ]);
  });

  it('gives identical events for the same receipt delivered twice', async () => {
    const { recordReceipts, published } = setUp();
    const bounce = receipt({ type: 'bounce', bounceType: 'Transient' });

    await recordReceipts.execute([bounce]);
    await recordReceipts.execute([bounce]);

    expect(published[1]).toEqual(published[0]);
  });

  it('skips a receipt for an unknown provider message id and still records the rest, in one lookup', async () => {
    const { recordReceipts, published, sentEmails } = setUp();

    const results = await recordReceipts.execute([
      receipt({ providerMessageId: 'never-sent-here' }),
      receipt({ type: 'complaint', notificationId: 'notification-2' }),
    ]);

    expect(results.map((result) => result.result)).toEqual(['skipped', 'recorded']);
    expect(published).toEqual([[expect.objectContaining({ type: 'complained' })]]);
    expect(sentEmails.lookups).toBe(1);
  });

  it('publishes nothing when every receipt is unknown', async () => {
    const { recordReceipts, published } = setUp();

    const results = await recordReceipts.execute([receipt({ providerMessageId: 'unknown' })]);

    expect(results).toEqual([{ result: 'skipped', reason: 'unknown provider message id' }]);
    expect(published).toEqual([]);
  });
});
