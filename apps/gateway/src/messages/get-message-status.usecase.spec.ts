import type { MessageStatusView } from '@switchboard/contracts';
import { GetMessageStatus } from './get-message-status.usecase';
import {
  InMemoryAcceptedMessageLog,
  InMemoryMessageStatusSource,
} from '../../test/support/in-memory-message-ports';

const messageId = '0b7c3f9e-5d1a-4c2b-9a8e-1f2d3c4b5a69';

function setUp() {
  const analytics = new InMemoryMessageStatusSource();
  const acceptedMessages = new InMemoryAcceptedMessageLog();
  return { analytics, acceptedMessages, useCase: new GetMessageStatus(analytics, acceptedMessages) };
}

describe('GetMessageStatus', () => {
  it('answers with analytics’ view when analytics knows the message', async () => {
    const { analytics, useCase } = setUp();
    const view: MessageStatusView = {
      messageId,
      tenantId: 'acme',
      status: 'sent',
      timeline: [
        { type: 'accepted', occurredAt: '2026-03-01T12:00:00.000Z', source: 'ingest' },
        { type: 'sent', occurredAt: '2026-03-01T12:00:01.000Z', source: 'sender-email', provider: 'ses' },
      ],
    };
    analytics.views.push(view);

    expect(await useCase.execute('acme', messageId)).toEqual(view);
  });

  it('answers accepted with one step for a message analytics has not seen yet', async () => {
    const { acceptedMessages, useCase } = setUp();
    await acceptedMessages.record([
      { messageId, tenantId: 'acme', acceptedAt: new Date('2026-03-01T12:00:00Z') },
    ]);

    expect(await useCase.execute('acme', messageId)).toEqual({
      messageId,
      tenantId: 'acme',
      status: 'accepted',
      timeline: [{ type: 'accepted', occurredAt: '2026-03-01T12:00:00.000Z', source: 'gateway' }],
    });
  });

  it('answers MESSAGE_NOT_FOUND for another tenant’s message', async () => {
    const { acceptedMessages, useCase } = setUp();
    await acceptedMessages.record([{ messageId, tenantId: 'acme', acceptedAt: new Date() }]);

    await expect(useCase.execute('globex', messageId)).rejects.toMatchObject({
      code: 'MESSAGE_NOT_FOUND',
      status: 404,
    });
  });

  it('answers MESSAGE_NOT_FOUND for an id that is not a message id', async () => {
    const { useCase } = setUp();

    await expect(useCase.execute('acme', 'not-a-uuid')).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' });
  });
});
