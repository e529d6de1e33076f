import type { DeliveryEvent, RenderRequested } from '@switchboard/contracts';
import type { DecisionRecord } from '../routing/decision-store';
import { InMemoryDecisionStore } from '../../test/support/in-memory-decision-store';
import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';
import { SuppressUndeliverableAddresses } from './suppress-undeliverable-addresses.usecase';

const messageId = '7d4f7f1c-2f3b-4a8e-9a61-000000000001';

function event(overrides: Partial<DeliveryEvent>, detail: DeliveryEvent['detail'] = {}): DeliveryEvent {
  return {
    tenantId: 'acme',
    messageId,
    type: 'bounced',
    occurredAt: '2030-01-01T10:00:00.000Z',
    source: 'sender-email',
    channel: 'email',
    provider: 'ses',
    reason: 'Permanent: smtp; 550 user unknown',
    detail: { bounceType: 'Permanent', ...detail },
    ...overrides,
  };
}

const requestBase = {
  tenantId: 'acme',
  acceptedAt: '2030-01-01T09:59:00.000Z',
  priority: 'normal' as const,
  content: { templateKey: 'welcome', data: {} },
};

function routedDecision(id: string, renderRequests: RenderRequested[]): DecisionRecord {
  return {
    tenantId: 'acme',
    messageId: id,
    decision: 'routed',
    channel: renderRequests[0]?.channel,
    address: renderRequests[0]?.address,
    decidedAt: new Date('2030-01-01T09:59:00.000Z'),
    channelPolicy: 'fallback',
    renderRequests,
  };
}

const emailTo = (id: string, address: string): RenderRequested => ({
  ...requestBase,
  messageId: id,
  channel: 'email',
  address,
});

function setUp() {
  const store = new InMemorySuppressionStore(() => new Date('2030-01-01T00:00:00.000Z'));
  const decisions = new InMemoryDecisionStore();
  decisions.decisions.set(messageId, routedDecision(messageId, [emailTo(messageId, 'ada@example.com')]));
  return { store, decisions, suppress: new SuppressUndeliverableAddresses(store, decisions) };
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
  it('suppresses the address the message was routed to after a permanent bounce, with the bounce as reason', async () => {
    const { store, suppress } = setUp();

    expect(await suppress.execute([event({})])).toEqual({ suppressed: 1, unmatched: [] });

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
      expect.objectContaining({
        address: 'ada@example.com',
        reason: 'complaint: abuse',
        source: 'complaint',
      }),
    ]);
  });

  it('finds the email address when email was not the first channel of the message', async () => {
    const { store, decisions, suppress } = setUp();
    const fallbackId = '7d4f7f1c-2f3b-4a8e-9a61-000000000002';
    decisions.decisions.set(
      fallbackId,
      routedDecision(fallbackId, [
        { ...requestBase, messageId: fallbackId, channel: 'sms', address: '+14155550123' },
        emailTo(fallbackId, 'grace@example.com'),
      ]),
    );

    await suppress.execute([event({ messageId: fallbackId })]);

    expect(suppressed(store)).toEqual([
      expect.objectContaining({ channel: 'email', address: 'grace@example.com' }),
    ]);
  });

  it('ignores an address the event carries, as older events did', async () => {
    const { store, suppress } = setUp();

    await suppress.execute([event({}, { recipient: 'someone-else@example.com' })]);

    expect(suppressed(store).map(({ address }) => address)).toEqual(['ada@example.com']);
  });

  it('suppresses nothing for a transient or undetermined bounce, a delivery or another channel', async () => {
    const { store, suppress } = setUp();

    const outcome = await suppress.execute([
      event({}, { bounceType: 'Transient' }),
      event({}, { bounceType: 'Undetermined' }),
      event({ type: 'delivered' }),
      event({ channel: 'sms' }),
    ]);

    expect(outcome).toEqual({ suppressed: 0, unmatched: [] });
    expect(suppressed(store)).toEqual([]);
  });

  it('suppresses nothing and names the message when there is no decision for it, or only another tenant’s', async () => {
    const { store, suppress } = setUp();
    const unknownId = '7d4f7f1c-2f3b-4a8e-9a61-000000000003';

    const outcome = await suppress.execute([
      event({ messageId: unknownId }),
      event({ tenantId: 'globex', type: 'complained' }),
    ]);

    expect(outcome).toEqual({
      suppressed: 0,
      unmatched: [
        { tenantId: 'acme', messageId: unknownId, type: 'bounced' },
        { tenantId: 'globex', messageId, type: 'complained' },
      ],
    });
    expect(suppressed(store)).toEqual([]);
  });

  it('suppresses nothing when the decision no longer holds an email address (its recipient erased)', async () => {
    const { store, decisions, suppress } = setUp();
    decisions.decisions.set(messageId, { ...routedDecision(messageId, []), channel: 'email' });

    const outcome = await suppress.execute([event({})]);

    expect(outcome.unmatched).toHaveLength(1);
    expect(suppressed(store)).toEqual([]);
  });

  it('adds an address once, however often its events repeat', async () => {
    const { store, suppress } = setUp();

    await suppress.execute([event({}), event({})]);
    expect(await suppress.execute([event({ type: 'complained' })])).toEqual({ suppressed: 0, unmatched: [] });

    expect(suppressed(store)).toHaveLength(1);
  });
});
