import { CreateMessageTypeRequest } from '@switchboard/contracts';
import { CreateMessageType } from './create-message-type.usecase';
import { InMemoryMessageTypeStore } from '../../test/support/in-memory-message-type-store';

describe('CreateMessageType', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  function setUp() {
    const forgotten: string[] = [];
    const createMessageType = new CreateMessageType(new InMemoryMessageTypeStore(() => now), {
      forget: (tenantId) => forgotten.push(tenantId),
    });
    return { createMessageType, forgotten };
  }

  it('stores a type with the defaults of every field left out and tells the policy source', async () => {
    const { createMessageType, forgotten } = setUp();

    const view = await createMessageType.execute(
      'acme',
      CreateMessageTypeRequest.parse({ key: 'weekly-digest', category: 'marketing' }),
    );

    expect(view).toEqual({
      key: 'weekly-digest',
      category: 'marketing',
      defaultChannels: null,
      channelPolicy: 'fallback',
      defaultPriority: 'normal',
      optOutAllowed: true,
      quietHours: 'respect',
      frequencyLimits: 'apply',
      overLimit: 'defer',
      dedupWindowSeconds: 0,
      description: null,
      builtIn: false,
      createdAt: '2030-01-01T00:00:00.000Z',
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    expect(forgotten).toEqual(['acme']);
  });

  it('refuses a key the tenant already has with MESSAGE_TYPE_EXISTS, and another tenant may use it', async () => {
    const { createMessageType } = setUp();
    const request = CreateMessageTypeRequest.parse({ key: 'security-code', category: 'transactional' });
    await createMessageType.execute('acme', request);

    await expect(createMessageType.execute('acme', request)).rejects.toMatchObject({
      status: 409,
      code: 'MESSAGE_TYPE_EXISTS',
    });
    await expect(createMessageType.execute('globex', request)).resolves.toMatchObject({
      key: 'security-code',
    });
  });
});
