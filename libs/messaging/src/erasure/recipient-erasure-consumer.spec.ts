import type { RecipientErasureConfirmed, RecipientErasureRequested } from '@switchboard/contracts';
import type { Kafka } from 'kafkajs';
import type { EventPublisher } from '../event-publisher';
import { RecipientErasureConsumer, type RecipientEraser } from './recipient-erasure-consumer';

const request: RecipientErasureRequested = {
  erasureId: '5b0f5b86-8a9f-4b9e-9a4e-3c3f3f1d2a10',
  tenantId: 'acme',
  recipientId: 'user-1',
  requestId: 'req-1',
  requestedAt: '2026-12-07T10:00:00.000Z',
};

const messageId = (index: number) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;

function harness(eraser: RecipientEraser) {
  const steps: string[] = [];
  const confirmations: RecipientErasureConfirmed[] = [];
  const publisher = {
    publishMany: async (_topic: string, payloads: RecipientErasureConfirmed[]) => {
      steps.push(`confirm ${payloads.length}`);
      confirmations.push(...payloads);
    },
  } as unknown as EventPublisher;
  // Never started here: erase() is what the consumer runs for each request.
  const consumer = new RecipientErasureConsumer({} as Kafka, publisher, eraser, {
    service: 'ingest',
    maxAttempts: 3,
  });
  return { consumer, steps, confirmations };
}

describe('RecipientErasureConsumer.erase', () => {
  it('erases the rows, then destroys the key, then confirms complete with the counts', async () => {
    const steps: string[] = [];
    const {
      consumer,
      confirmations,
      steps: published,
    } = harness({
      eraseRows: async () => {
        steps.push('rows');
        return { inbox_items: 3 };
      },
      destroyRecipientKey: async () => {
        steps.push('key');
        return 'no-key-store';
      },
    });

    await consumer.erase(request);

    expect(steps).toEqual(['rows', 'key']);
    expect(published).toEqual(['confirm 1']);
    expect(confirmations).toEqual([
      expect.objectContaining({
        erasureId: request.erasureId,
        tenantId: 'acme',
        service: 'ingest',
        messageIds: [],
        complete: true,
        rows: { inbox_items: 3 },
      }),
    ]);
  });

  it('confirms erased messages as it goes, at most 1,000 per confirmation, none of them complete', async () => {
    const { consumer, confirmations } = harness({
      eraseRows: async (_request, progress) => {
        await progress.confirmMessages(Array.from({ length: 1500 }, (_, index) => messageId(index)));
        return { messages: 1500 };
      },
      destroyRecipientKey: async () => 'no-key-store',
    });

    await consumer.erase(request);

    expect(
      confirmations.map((confirmation) => [confirmation.messageIds.length, confirmation.complete]),
    ).toEqual([
      [1000, false],
      [500, false],
      [0, true],
    ]);
    expect(confirmations[2].rows).toEqual({ messages: 1500 });
  });

  it('confirms nothing when erasing fails, so the request is tried again', async () => {
    const { consumer, confirmations } = harness({
      eraseRows: async () => {
        throw new Error('database unavailable');
      },
      destroyRecipientKey: async () => 'destroyed',
    });

    await expect(consumer.erase(request)).rejects.toThrow('database unavailable');
    expect(confirmations).toEqual([]);
  });
});
