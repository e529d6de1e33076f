import { GatewayError } from '../gateway-error';
import { InMemoryAcceptedMessageLog, RecordingPublisher } from '../../test/support/in-memory-message-ports';
import { SendMessage } from './send-message.usecase';

const acceptedAt = new Date('2026-03-01T12:00:00.000Z');
const messageId = '0b7c3f9e-5d1a-4c2b-9a8e-1f2d3c4b5a69';

function setUp() {
  const publisher = new RecordingPublisher();
  const acceptedMessages = new InMemoryAcceptedMessageLog();
  const useCase = new SendMessage(
    publisher,
    acceptedMessages,
    () => acceptedAt,
    () => messageId,
  );
  return { publisher, acceptedMessages, useCase };
}

const request = {
  recipient: { email: 'ada@example.com' },
  content: { templateKey: 'welcome', data: { name: 'Ada' } },
  priority: 'high' as const,
};

describe('SendMessage', () => {
  it('publishes a MessageRequested event carrying the tenant and answers with the message id', async () => {
    const { publisher, useCase } = setUp();

    const response = await useCase.execute({ tenantId: 'acme', request, idempotencyKey: 'order-42' });

    expect(response).toEqual({ messageId, status: 'accepted' });
    expect(publisher.calls).toEqual([
      [
        {
          tenantId: 'acme',
          messageId,
          acceptedAt: '2026-03-01T12:00:00.000Z',
          source: 'http',
          idempotencyKey: 'order-42',
          recipient: { email: 'ada@example.com' },
          content: { templateKey: 'welcome', data: { name: 'Ada' } },
          priority: 'high',
        },
      ],
    ]);
  });

  it('carries a recipient id, the channels and a non-default channel policy into the event', async () => {
    const { publisher, useCase } = setUp();

    await useCase.execute({
      tenantId: 'acme',
      request: {
        ...request,
        recipient: { id: 'user-42', phone: '+14155550123' },
        channels: ['sms', 'push'],
        channelPolicy: 'all',
      },
    });

    expect(publisher.calls).toEqual([
      [
        expect.objectContaining({
          recipient: { id: 'user-42', phone: '+14155550123' },
          channels: ['sms', 'push'],
          channelPolicy: 'all',
        }),
      ],
    ]);
  });

  it('records the accepted message for status lookups', async () => {
    const { acceptedMessages, useCase } = setUp();

    await useCase.execute({ tenantId: 'acme', request });

    expect(acceptedMessages.messages).toEqual([{ messageId, tenantId: 'acme', acceptedAt }]);
  });

  it('publishes nothing and fails when the acceptance cannot be recorded', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();
    acceptedMessages.failWith = new GatewayError('SERVICE_UNAVAILABLE', 'database down');

    await expect(useCase.execute({ tenantId: 'acme', request })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect(publisher.calls).toEqual([]);
  });

  it('records the acceptance before publishing, and fails when the event could not be published', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();
    publisher.failWith = new GatewayError('BROKER_UNAVAILABLE', 'broker down');

    await expect(useCase.execute({ tenantId: 'acme', request })).rejects.toMatchObject({
      code: 'BROKER_UNAVAILABLE',
    });
    // The caller never sees this id: the record is an orphan nobody asks about.
    expect(acceptedMessages.recordCalls).toBe(1);
  });

  it('publishes the recipient email with its domain lower-cased and in ASCII', async () => {
    const { publisher, useCase } = setUp();

    await useCase.execute({
      tenantId: 'acme',
      request: { ...request, recipient: { email: 'Ada@Bücher.Example', phone: '+447400123456' } },
    });

    expect(publisher.calls[0][0].recipient).toEqual({
      email: 'Ada@xn--bcher-kva.example',
      phone: '+447400123456',
    });
  });

  it('refuses a placeholder email and an unassigned number naming each field, recording nothing', async () => {
    const { publisher, acceptedMessages, useCase } = setUp();

    const refusal = await useCase
      .execute({
        tenantId: 'acme',
        request: { ...request, recipient: { email: 'noemail@example.com', phone: '+15555550123' } },
      })
      .catch((error: unknown) => error);

    expect(refusal).toMatchObject({
      problems: [
        { field: 'recipient.email', problem: 'is a placeholder, not an address anyone receives mail at' },
        { field: 'recipient.phone', problem: 'is not a number in use in the numbering plan of +1' },
      ],
    });
    expect(acceptedMessages.recordCalls).toBe(0);
    expect(publisher.calls).toEqual([]);
  });
});
