import { PutMessageTypeRequest } from '@switchboard/contracts';
import { InMemoryMessageTypeStore } from '../../test/support/in-memory-message-type-store';
import { PutMessageType } from './put-message-type.usecase';

describe('PutMessageType', () => {
  it('creates a type, then replaces the whole definition: a field left out goes back to its default', async () => {
    let now = new Date('2030-01-01T00:00:00.000Z');
    const forgotten: string[] = [];
    const putMessageType = new PutMessageType(new InMemoryMessageTypeStore(() => now), {
      forget: (tenantId) => forgotten.push(tenantId),
    });

    const created = await putMessageType.execute(
      'acme',
      'order-update',
      PutMessageTypeRequest.parse({
        category: 'transactional',
        defaultPriority: 'high',
        dedupWindowSeconds: 60,
      }),
    );
    now = new Date('2030-01-02T00:00:00.000Z');
    const replaced = await putMessageType.execute(
      'acme',
      'order-update',
      PutMessageTypeRequest.parse({ category: 'transactional', defaultChannels: ['sms', 'email'] }),
    );

    expect(created).toMatchObject({
      created: true,
      messageType: { key: 'order-update', defaultPriority: 'high', dedupWindowSeconds: 60 },
    });
    expect(replaced).toEqual({
      created: false,
      messageType: expect.objectContaining({
        defaultPriority: 'normal',
        dedupWindowSeconds: 0,
        defaultChannels: ['sms', 'email'],
        createdAt: '2030-01-01T00:00:00.000Z',
        updatedAt: '2030-01-02T00:00:00.000Z',
      }),
    });
    expect(forgotten).toEqual(['acme', 'acme']);
  });
});
