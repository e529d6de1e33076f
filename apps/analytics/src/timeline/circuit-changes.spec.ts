import type { DeliveryEvent } from '@switchboard/contracts';
import { circuitChanges } from './circuit-changes';

const MESSAGE = '5b0c1f8e-2a4e-4c7e-9d55-6d1f2d9a0aa1';

function circuitChanged(
  provider: string,
  to: string,
  occurredAt: string,
  fields: Partial<DeliveryEvent> = {},
): DeliveryEvent {
  return {
    tenantId: 'acme',
    messageId: MESSAGE,
    type: 'circuit-changed',
    occurredAt,
    source: 'sender-email',
    channel: 'email',
    provider,
    reason: 'consecutive-failures',
    detail: { provider, from: 'closed', to, why: '5 failures in a row' },
    ...fields,
  };
}

describe('circuitChanges', () => {
  it('keeps the latest change of each channel and provider, whatever the order in the batch', () => {
    const changes = circuitChanges([
      circuitChanged('ses', 'half-open', '2026-01-01T00:00:30.000Z'),
      circuitChanged('ses', 'open', '2026-01-01T00:00:00.000Z'),
      circuitChanged('ses-backup', 'open', '2026-01-01T00:00:10.000Z'),
      circuitChanged('sns', 'open', '2026-01-01T00:00:05.000Z', { channel: 'sms' }),
    ]);

    expect(changes).toEqual([
      {
        channel: 'email',
        provider: 'ses',
        state: 'half-open',
        changedAt: new Date('2026-01-01T00:00:30.000Z'),
      },
      {
        channel: 'email',
        provider: 'ses-backup',
        state: 'open',
        changedAt: new Date('2026-01-01T00:00:10.000Z'),
      },
      { channel: 'sms', provider: 'sns', state: 'open', changedAt: new Date('2026-01-01T00:00:05.000Z') },
    ]);
  });

  it('lets the change published later win when two happened at the same time', () => {
    const [change] = circuitChanges([
      circuitChanged('ses', 'open', '2026-01-01T00:00:00.000Z'),
      circuitChanged('ses', 'closed', '2026-01-01T00:00:00.000Z'),
    ]);

    expect(change.state).toBe('closed');
  });

  it('ignores other events and circuit changes that name no channel, provider or known state', () => {
    const sent: DeliveryEvent = {
      tenantId: 'acme',
      messageId: MESSAGE,
      type: 'sent',
      occurredAt: '2026-01-01T00:00:00.000Z',
      source: 'sender-email',
      channel: 'email',
      provider: 'ses',
      detail: { to: 'open' },
    };

    expect(
      circuitChanges([
        sent,
        circuitChanged('ses', 'ajar', '2026-01-01T00:00:01.000Z'),
        circuitChanged('ses', 'open', '2026-01-01T00:00:02.000Z', { channel: undefined }),
        circuitChanged('ses', 'open', '2026-01-01T00:00:03.000Z', { provider: undefined }),
        circuitChanged('ses', 'open', '2026-01-01T00:00:04.000Z', { detail: undefined }),
      ]),
    ).toEqual([]);
  });
});
