import { GatewayError } from '../gateway-error';
import { InMemoryAcceptedMessageLog, RecordingPublisher } from '../../test/support/in-memory-message-ports';
import { SendMessageBatch } from './send-message-batch.usecase';

const acceptedAt = new Date('2026-03-01T12:00:00.000Z');

function setUp() {
  const publisher = new RecordingPublisher();
  const acceptedMessages = new InMemoryAcceptedMessageLog();
  let sequence = 0;
  const newMessageId = () => `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;
  const useCase = new SendMessageBatch(publisher, acceptedMessages, () => acceptedAt, newMessageId);
  return { publisher, acceptedMessages, useCase };
}

const item = (email: string) => ({ recipient: { email }, content: { templateKey: 'welcome' } });

describe('SendMessageBatch', () => {
  it('answers 202 and publishes every item in one call when all are valid', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();

    const outcome = await useCase.execute({
      tenantId: 'acme',
      items: [item('a@example.com'), item('b@example.com'), item('c@example.com')],
    });

    expect(outcome.status).toBe(202);
    expect(outcome.body).toMatchObject({ accepted: 3, rejected: 0 });
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.calls[0].map((event) => [event.tenantId, event.recipient.email])).toEqual([
      ['acme', 'a@example.com'],
      ['acme', 'b@example.com'],
      ['acme', 'c@example.com'],
    ]);
    expect(acceptedMessages.recordCalls).toBe(1);
    expect(acceptedMessages.messages.map((message) => message.messageId)).toEqual(
      outcome.body.results.map((result) => (result.status === 'accepted' ? result.messageId : undefined)),
    );
  });

  it('answers 207 with a result per item in order, publishing only the valid ones', async () => {
    const { publisher, useCase } = setUp();

    const outcome = await useCase.execute({
      tenantId: 'acme',
      items: [item('a@example.com'), item('not-an-email'), item('c@example.com')],
    });

    expect(outcome.status).toBe(207);
    expect(outcome.body.accepted).toBe(2);
    expect(outcome.body.rejected).toBe(1);
    expect(outcome.body.results).toEqual([
      { index: 0, status: 'accepted', messageId: '00000000-0000-4000-8000-000000000001' },
      {
        index: 1,
        status: 'rejected',
        problems: [expect.objectContaining({ field: 'recipient.email' })],
      },
      { index: 2, status: 'accepted', messageId: '00000000-0000-4000-8000-000000000002' },
    ]);
    expect(publisher.calls).toHaveLength(1);
    expect(publisher.calls[0]).toHaveLength(2);
  });

  it('publishes nothing when every item is rejected', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();

    const outcome = await useCase.execute({ tenantId: 'acme', items: [{}, item('bad')] });

    expect(outcome.status).toBe(207);
    expect(outcome.body).toMatchObject({ accepted: 0, rejected: 2 });
    expect(publisher.calls).toHaveLength(0);
    expect(acceptedMessages.recordCalls).toBe(0);
  });

  it('fails as a whole when the publish fails; the acceptances recorded first are never handed out', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();
    publisher.failWith = new GatewayError('BROKER_UNAVAILABLE', 'broker down');

    await expect(useCase.execute({ tenantId: 'acme', items: [item('a@example.com')] })).rejects.toMatchObject(
      { code: 'BROKER_UNAVAILABLE' },
    );
    expect(acceptedMessages.recordCalls).toBe(1);
  });

  it('publishes nothing when the acceptances cannot be recorded', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();
    acceptedMessages.failWith = new GatewayError('SERVICE_UNAVAILABLE', 'database down');

    await expect(useCase.execute({ tenantId: 'acme', items: [item('a@example.com')] })).rejects.toMatchObject(
      { code: 'SERVICE_UNAVAILABLE' },
    );
    expect(publisher.calls).toEqual([]);
  });
});
