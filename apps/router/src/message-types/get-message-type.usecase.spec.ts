import { BUILT_IN_MESSAGE_TYPE, MessageTypeDefinition } from '@switchboard/contracts';
import { GetMessageType } from './get-message-type.usecase';
import { InMemoryMessageTypeStore } from '../../test/support/in-memory-message-type-store';
import { ListMessageTypes } from './list-message-types.usecase';

describe('GetMessageType and ListMessageTypes', () => {
  const marketing = MessageTypeDefinition.parse({ category: 'marketing' });

  it('shows the built-in default type to a tenant that has not defined its own', async () => {
    const store = new InMemoryMessageTypeStore();
    await store.create('acme', 'weekly-digest', marketing);

    const list = await new ListMessageTypes(store).execute('acme');
    const builtIn = await new GetMessageType(store).execute('acme', 'default');

    expect(list.messageTypes.map(({ key, builtIn }) => ({ key, builtIn }))).toEqual([
      { key: 'default', builtIn: true },
      { key: 'weekly-digest', builtIn: false },
    ]);
    expect(builtIn).toMatchObject({
      key: 'default',
      builtIn: true,
      category: BUILT_IN_MESSAGE_TYPE.category,
      quietHours: 'bypass',
      createdAt: null,
    });
  });

  it("shows the tenant's own default type instead of the built-in one", async () => {
    const store = new InMemoryMessageTypeStore();
    await store.create('acme', 'default', marketing);

    const list = await new ListMessageTypes(store).execute('acme');

    expect(list.messageTypes).toEqual([
      expect.objectContaining({ key: 'default', builtIn: false, category: 'marketing' }),
    ]);
  });

  it("answers MESSAGE_TYPE_NOT_FOUND for an unknown key and for another tenant's type", async () => {
    const store = new InMemoryMessageTypeStore();
    await store.create('globex', 'weekly-digest', marketing);

    await expect(new GetMessageType(store).execute('acme', 'weekly-digest')).rejects.toMatchObject({
      status: 404,
      code: 'MESSAGE_TYPE_NOT_FOUND',
    });
  });
});
