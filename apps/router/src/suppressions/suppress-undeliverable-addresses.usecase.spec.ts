import type { DeliveryEvent } from '@switchboard/contracts';
import { InMemorySuppressionStore } from './in-memory-suppression-store';
import { SuppressUndeliverableAddresses } from './suppress-undeliverable-addresses.usecase';

function event(overrides: Partial<DeliveryEvent>, detail: DeliveryEvent['detail'] = {}): DeliveryEvent {
  return {
    tenantId: 'acme',
    messageId: '7d4f7f1c-2f3b-4a8e-9a61-000000000001',
    type: 'bounced',
    occurredAt: '2030-01-01T10:00:00.000Z',
    source: 'sender-email',
    channel: 'email',
    provider: 'ses',
    reason: 'Permanent: smtp; 550 user unknown',
    detail: { recipient: 'ada@example.com', bounceType: 'Permanent', ...detail },
    ...overrides,
  };
}

function setUp() {
  const store = new InMemorySuppressionStore(() => new Date('2030-01-01T00:00:00.000Z'));
  return { store, suppress: new SuppressUndeliverableAddresses(store) };
}

const suppressed = (store: InMemorySuppressionStore) =>
  [...store.suppressions.values()].map(({ tenantId, channel, address, reason, source }) => ({
    tenantId,
    channel,
    address,
    reason,
    source,
  }));

describe('SuppressUndeliverableAddresses', () => {
  it('suppresses the address of a permanent bounce, for the tenant, with the bounce as reason', async () => {
    const { store, suppress } = setUp();

    expect(await suppress.execute([event({})])).toBe(1);

    expect(suppressed(store)).toEqual([
      {
        tenantId: 'acme',
        channel: 'email',
        address: 'ada@example.com',
        reason: 'bounce: Permanent: smtp; 550 user unknown',
        source: 'bounce',
      },
    ]);
  });

  it('suppresses the address of a complaint', async () => {
    const { store, suppress } = setUp();

    await suppress.execute([event({ type: 'complained', reason: 'complaint: abuse' }, { bounceType: '' })]);

    expect(suppressed(store)).toEqual([
      expect.objectContaining({ reason: 'complaint: abuse', source: 'complaint' }),
    ]);
  });

  it('suppresses nothing for a transient or undetermined bounce, a delivery or another channel', async () => {
    const { store, suppress } = setUp();

    const created = await suppress.execute([
      event({}, { bounceType: 'Transient' }),
      event({}, { bounceType: 'Undetermined' }),
      event({ type: 'delivered' }),
      event({ channel: 'sms' }),
      event({ detail: { bounceType: 'Permanent' } }),
    ]);

    expect(created).toBe(0);
    expect(suppressed(store)).toEqual([]);
  });

  it('adds an address once, whatever its case, however often its events repeat', async () => {
    const { store, suppress } = setUp();

    await suppress.execute([event({}), event({}, { recipient: 'ADA@example.com' })]);
    expect(await suppress.execute([event({ type: 'complained' })])).toBe(0);

    expect(suppressed(store)).toHaveLength(1);
  });
});
