import type { DeliveryEvent, EmailDispatch } from '@switchboard/contracts';
import type { DeliveryClaim, DeliveryLedger, FinishedDelivery } from '../deliveries/delivery-ledger';
import type { EmailProvider } from './email-provider';
import { SendEmailUsecase } from './send-email.usecase';

const dispatch: EmailDispatch = {
  tenantId: 'acme',
  messageId: '7d4f7f1c-2f3b-4a8e-9a61-5c1e0c6f0a01',
  to: 'ada@example.com',
  subject: 'Your order shipped',
  html: '<p>Hi</p>',
  text: 'Hi',
};

type LedgerRow = { status: 'sending'; attempts: number } | (FinishedDelivery & { attempts: number });

class MemoryLedger implements DeliveryLedger {
  readonly rows = new Map<string, LedgerRow>();

  async claim({ messageId }: { messageId: string }): Promise<DeliveryClaim> {
    const row = this.rows.get(messageId);
    if (!row) {
      this.rows.set(messageId, { status: 'sending', attempts: 1 });
      return { claimed: true, attempt: 1 };
    }
    if (row.status !== 'sending') return { claimed: false, ...row };
    row.attempts += 1;
    return { claimed: true, attempt: row.attempts };
  }

  async markSent(messageId: string, providerMessageId: string, finishedAt: Date): Promise<void> {
    const attempts = this.rows.get(messageId)?.attempts ?? 0;
    this.rows.set(messageId, { status: 'sent', providerMessageId, finishedAt, attempts });
  }

  async markFailed(messageId: string, reason: string, finishedAt: Date): Promise<void> {
    const attempts = this.rows.get(messageId)?.attempts ?? 0;
    this.rows.set(messageId, { status: 'failed', reason, finishedAt, attempts });
  }
}

function setUp(send: EmailProvider['send']) {
  const ledger = new MemoryLedger();
  const events: DeliveryEvent[] = [];
  const calls: EmailDispatch[] = [];
  const provider: EmailProvider = {
    name: 'ses',
    send: async (email) => {
      calls.push(email);
      return send(email);
    },
  };
  const usecase = new SendEmailUsecase({
    ledger,
    provider,
    recordEvent: async (event) => {
      events.push(event);
    },
    now: () => new Date('2026-05-01T12:00:00.000Z'),
  });
  return { usecase, ledger, events, calls };
}

function rejectedError(name: string, message: string) {
  return Object.assign(new Error(message), { name });
}

describe('SendEmailUsecase', () => {
  it('sends, records the provider id and reports the message sent', async () => {
    const { usecase, ledger, events } = setUp(async () => ({ providerMessageId: 'ses-1' }));
    await expect(usecase.execute(dispatch)).resolves.toEqual({ result: 'sent', providerMessageId: 'ses-1' });
    expect(ledger.rows.get(dispatch.messageId)).toMatchObject({ status: 'sent', providerMessageId: 'ses-1' });
    expect(events).toEqual([
      {
        tenantId: 'acme',
        messageId: dispatch.messageId,
        type: 'sent',
        occurredAt: '2026-05-01T12:00:00.000Z',
        source: 'sender-email',
        channel: 'email',
        provider: 'ses',
        detail: { providerMessageId: 'ses-1' },
      },
    ]);
  });

  it('does not send a redelivered dispatch a second time, and repeats the same sent event', async () => {
    const { usecase, calls, events } = setUp(async () => ({ providerMessageId: 'ses-1' }));
    await usecase.execute(dispatch);
    await expect(usecase.execute(dispatch)).resolves.toEqual({ result: 'skipped', reason: 'already sent' });
    expect(calls).toHaveLength(1);
    // Identical, so analytics stores it once; it matters when the first try stopped before publishing.
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
  });

  it('marks a rejected message failed for good and does not retry it', async () => {
    const { usecase, ledger, events, calls } = setUp(async () => {
      throw rejectedError('MessageRejected', 'Email address is not verified.');
    });
    const reason = 'MessageRejected: Email address is not verified.';
    await expect(usecase.execute(dispatch)).resolves.toEqual({ result: 'failed', reason });
    expect(ledger.rows.get(dispatch.messageId)).toMatchObject({ status: 'failed', reason });
    expect(events).toEqual([expect.objectContaining({ type: 'failed', reason, provider: 'ses' })]);
    await expect(usecase.execute(dispatch)).resolves.toEqual({ result: 'skipped', reason: 'already failed' });
    expect(calls).toHaveLength(1);
    expect(events.map((event) => event.type)).toEqual(['failed', 'failed']);
  });

  it('throws a transient error so the runner retries, and the retry sends', async () => {
    let answers = 0;
    const { usecase, ledger, events } = setUp(async () => {
      if (answers++ === 0) throw rejectedError('Throttling', 'Maximum sending rate exceeded.');
      return { providerMessageId: 'ses-2' };
    });
    await expect(usecase.execute(dispatch)).rejects.toThrow('Maximum sending rate exceeded.');
    expect(events).toEqual([]);
    await expect(usecase.execute(dispatch)).resolves.toMatchObject({ result: 'sent' });
    expect(ledger.rows.get(dispatch.messageId)).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
