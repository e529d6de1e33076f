import type { DeliveryEvent, EmailDispatch } from '@switchboard/contracts';
import type {
  DeliveryClaim,
  DeliveryLedger,
  DeliveryToClaim,
  FinishedDelivery,
} from '../deliveries/delivery-ledger';
import type { EmailProvider } from './email-provider';
import { SendEmailBatchUsecase } from './send-email-batch.usecase';

function dispatchTo(to: string, messageNumber: number): EmailDispatch {
  return {
    tenantId: 'acme',
    messageId: `7d4f7f1c-2f3b-4a8e-9a61-${String(messageNumber).padStart(12, '0')}`,
    to,
    subject: 'Your order shipped',
    html: '<p>Hi</p>',
    text: 'Hi',
  };
}

const dispatch = dispatchTo('ada@example.com', 1);

type LedgerRow = { status: 'sending'; attempts: number } | (FinishedDelivery & { attempts: number });

class MemoryLedger implements DeliveryLedger {
  readonly rows = new Map<string, LedgerRow>();
  statements = 0;

  async claimAll(deliveries: readonly DeliveryToClaim[]): Promise<Map<string, DeliveryClaim>> {
    this.statements += 1;
    const claims = new Map<string, DeliveryClaim>();
    for (const { messageId } of deliveries) {
      const row = this.rows.get(messageId);
      if (!row) {
        this.rows.set(messageId, { status: 'sending', attempts: 1 });
        claims.set(messageId, { claimed: true, attempt: 1 });
      } else if (row.status !== 'sending') {
        claims.set(messageId, { claimed: false, ...row });
      } else {
        row.attempts += 1;
        claims.set(messageId, { claimed: true, attempt: row.attempts });
      }
    }
    return claims;
  }

  async markFinished(deliveries: ReadonlyArray<{ messageId: string } & FinishedDelivery>): Promise<void> {
    this.statements += 1;
    for (const { messageId, ...finished } of deliveries) {
      const attempts = this.rows.get(messageId)?.attempts ?? 0;
      this.rows.set(messageId, { ...finished, attempts });
    }
  }
}

function setUp(send: EmailProvider['send']) {
  const ledger = new MemoryLedger();
  const events: DeliveryEvent[] = [];
  const publishes: number[] = [];
  const calls: EmailDispatch[] = [];
  const provider: EmailProvider = {
    name: 'ses',
    send: async (email) => {
      calls.push(email);
      return send(email);
    },
  };
  const usecase = new SendEmailBatchUsecase({
    ledger,
    provider,
    recordEvents: async (published) => {
      publishes.push(published.length);
      events.push(...published);
    },
    now: () => new Date('2026-05-01T12:00:00.000Z'),
  });
  return { usecase, ledger, events, publishes, calls };
}

function rejectedError(name: string, message: string) {
  return Object.assign(new Error(message), { name });
}

describe('SendEmailBatchUsecase', () => {
  it('sends, records the provider id and reports the message sent', async () => {
    const { usecase, ledger, events } = setUp(async () => ({ providerMessageId: 'ses-1' }));
    await expect(usecase.execute([dispatch], 4)).resolves.toEqual([
      { result: 'sent', providerMessageId: 'ses-1' },
    ]);
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

  it('claims a batch in one statement, marks each group of `concurrency` emails in one, and publishes once', async () => {
    const batch = Array.from({ length: 10 }, (_, index) => dispatchTo(`user-${index}@example.com`, index));
    let sending = 0;
    let mostAtOnce = 0;
    const { usecase, ledger, events, publishes } = setUp(async (email) => {
      sending += 1;
      mostAtOnce = Math.max(mostAtOnce, sending);
      await new Promise((resolve) => setImmediate(resolve));
      sending -= 1;
      return { providerMessageId: `ses-${email.to}` };
    });
    const results = await usecase.execute(batch, 4);
    expect(results.every((result) => result.result === 'sent')).toBe(true);
    // One claim, then three groups (4 + 4 + 2) marked.
    expect(ledger.statements).toBe(4);
    expect(mostAtOnce).toBe(4);
    expect(publishes).toEqual([10]);
    expect(events.map((event) => event.messageId).sort()).toEqual(
      batch.map((email) => email.messageId).sort(),
    );
  });

  it("sends one recipient's emails one after another, in batch order", async () => {
    const batch = [
      dispatchTo('ada@example.com', 1),
      dispatchTo('ada@example.com', 2),
      dispatchTo('bob@example.com', 3),
    ];
    const { usecase, calls } = setUp(async (email) => {
      await new Promise((resolve) => setImmediate(resolve));
      return { providerMessageId: email.messageId };
    });
    await usecase.execute(batch, 8);
    const toAda = calls.filter((email) => email.to === 'ada@example.com').map((email) => email.messageId);
    expect(toAda).toEqual([batch[0].messageId, batch[1].messageId]);
  });

  it('does not send a redelivered dispatch a second time, and repeats the same sent event', async () => {
    const { usecase, calls, events } = setUp(async () => ({ providerMessageId: 'ses-1' }));
    await usecase.execute([dispatch], 4);
    await expect(usecase.execute([dispatch], 4)).resolves.toEqual([
      { result: 'skipped', reason: 'already sent' },
    ]);
    expect(calls).toHaveLength(1);
    // Identical, so analytics stores it once; it matters when the first try stopped before publishing.
    expect(events).toHaveLength(2);
    expect(events[1]).toEqual(events[0]);
  });

  it('sends a message that appears twice in one batch once', async () => {
    const { usecase, calls } = setUp(async () => ({ providerMessageId: 'ses-1' }));
    await expect(usecase.execute([dispatch, dispatch], 4)).resolves.toEqual([
      { result: 'sent', providerMessageId: 'ses-1' },
      { result: 'skipped', reason: 'the same message came earlier in the batch' },
    ]);
    expect(calls).toHaveLength(1);
  });

  it('marks a rejected message failed for good and does not retry it', async () => {
    const { usecase, ledger, events, calls } = setUp(async () => {
      throw rejectedError('MessageRejected', 'Email address is not verified.');
    });
    const reason = 'MessageRejected: Email address is not verified.';
    await expect(usecase.execute([dispatch], 4)).resolves.toEqual([{ result: 'failed', reason }]);
    expect(ledger.rows.get(dispatch.messageId)).toMatchObject({ status: 'failed', reason });
    expect(events).toEqual([expect.objectContaining({ type: 'failed', reason, provider: 'ses' })]);
    await expect(usecase.execute([dispatch], 4)).resolves.toEqual([
      { result: 'skipped', reason: 'already failed' },
    ]);
    expect(calls).toHaveLength(1);
    expect(events.map((event) => event.type)).toEqual(['failed', 'failed']);
  });

  it('reports a transient failure for a retry of that email alone, after marking the others sent', async () => {
    const flaky = dispatchTo('flaky@example.com', 2);
    const batch = [dispatch, flaky, dispatchTo('cy@example.com', 3)];
    let flakyAnswers = 0;
    const { usecase, ledger, events, calls } = setUp(async (email) => {
      if (email.to === flaky.to && flakyAnswers++ === 0) {
        throw rejectedError('Throttling', 'Maximum sending rate exceeded.');
      }
      return { providerMessageId: `ses-${email.to}` };
    });
    const results = await usecase.execute(batch, 4);
    expect(results.map((result) => result.result)).toEqual(['sent', 'retry', 'sent']);
    expect(results[1]).toMatchObject({ error: expect.objectContaining({ name: 'Throttling' }) });
    expect(ledger.rows.get(dispatch.messageId)).toMatchObject({ status: 'sent' });
    expect(ledger.rows.get(flaky.messageId)).toMatchObject({ status: 'sending' });
    expect(events.map((event) => event.messageId)).not.toContain(flaky.messageId);

    // The retry of the failed one alone sends it; the others are not sent again.
    await expect(usecase.execute([flaky], 4)).resolves.toEqual([
      { result: 'sent', providerMessageId: 'ses-flaky@example.com' },
    ]);
    expect(ledger.rows.get(flaky.messageId)).toMatchObject({ status: 'sent', attempts: 2 });
    expect(calls.map((email) => email.to)).toEqual([
      'ada@example.com',
      'flaky@example.com',
      'cy@example.com',
      'flaky@example.com',
    ]);
  });

  it("holds a recipient's later emails behind one that failed transiently, so their order is kept", async () => {
    const first = dispatchTo('ada@example.com', 1);
    const second = dispatchTo('ada@example.com', 2);
    const { usecase, calls } = setUp(async (email) => {
      if (email.messageId === first.messageId) throw rejectedError('ServiceUnavailable', 'try later');
      return { providerMessageId: 'ses-2' };
    });
    const results = await usecase.execute([first, second], 1);
    expect(results.map((result) => result.result)).toEqual(['retry', 'retry']);
    expect(calls.map((email) => email.messageId)).toEqual([first.messageId]);
  });
});
