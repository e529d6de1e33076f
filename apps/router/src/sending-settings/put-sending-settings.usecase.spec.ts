import { MessageTypeDefinition, SendingSettings } from '@switchboard/contracts';
import { InMemoryMessageTypeStore } from '../../test/support/in-memory-message-type-store';
import { GetSendingSettings } from './get-sending-settings.usecase';
import { InMemorySendingSettingsStore } from '../../test/support/in-memory-sending-settings-store';
import { PutSendingSettings } from './put-sending-settings.usecase';

describe('PutSendingSettings and GetSendingSettings', () => {
  const now = new Date('2030-01-01T00:00:00.000Z');

  function setUp() {
    const settings = new InMemorySendingSettingsStore(() => now);
    const messageTypes = new InMemoryMessageTypeStore(() => now);
    const forgotten: string[] = [];
    const putSendingSettings = new PutSendingSettings(settings, messageTypes, {
      forget: (tenantId) => forgotten.push(tenantId),
    });
    return {
      putSendingSettings,
      getSendingSettings: new GetSendingSettings(settings),
      messageTypes,
      forgotten,
    };
  }

  it('gives the defaults, without an update time, to a tenant that has stored none', async () => {
    const { getSendingSettings } = setUp();

    expect(await getSendingSettings.execute('acme')).toEqual({
      defaultMessageType: null,
      timeZone: 'UTC',
      quietHours: null,
      frequencyLimits: [],
      phoneRegion: null,
      updatedAt: null,
    });
  });

  it('stores settings naming an existing default type and tells the policy source', async () => {
    const { putSendingSettings, getSendingSettings, messageTypes, forgotten } = setUp();
    await messageTypes.create('acme', 'newsletter', MessageTypeDefinition.parse({ category: 'marketing' }));

    await putSendingSettings.execute(
      'acme',
      SendingSettings.parse({
        defaultMessageType: 'newsletter',
        timeZone: 'Europe/Berlin',
        quietHours: { start: '22:00', end: '07:00' },
      }),
    );

    expect(await getSendingSettings.execute('acme')).toMatchObject({
      defaultMessageType: 'newsletter',
      timeZone: 'Europe/Berlin',
      quietHours: { start: '22:00', end: '07:00' },
      updatedAt: '2030-01-01T00:00:00.000Z',
    });
    expect(forgotten).toEqual(['acme']);
  });

  it('accepts the built-in default type by its key', async () => {
    const { putSendingSettings } = setUp();

    await expect(
      putSendingSettings.execute('acme', SendingSettings.parse({ defaultMessageType: 'default' })),
    ).resolves.toMatchObject({ defaultMessageType: 'default' });
  });

  it('refuses a default type the tenant does not have with 422 naming defaultMessageType, storing nothing', async () => {
    const { putSendingSettings, getSendingSettings, messageTypes, forgotten } = setUp();
    await messageTypes.create('globex', 'newsletter', MessageTypeDefinition.parse({ category: 'marketing' }));

    await expect(
      putSendingSettings.execute('acme', SendingSettings.parse({ defaultMessageType: 'newsletter' })),
    ).rejects.toMatchObject({
      status: 422,
      code: 'SENDING_SETTINGS_REFUSED',
      extensions: {
        errors: [{ field: 'defaultMessageType', problem: 'the tenant has no message type "newsletter"' }],
      },
    });
    expect(await getSendingSettings.execute('acme')).toMatchObject({ updatedAt: null });
    expect(forgotten).toEqual([]);
  });
});
