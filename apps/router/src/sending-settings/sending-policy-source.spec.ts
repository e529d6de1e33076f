import { BUILT_IN_MESSAGE_TYPE, MessageTypeDefinition, SendingSettings } from '@switchboard/contracts';
import { InMemoryMessageTypeStore } from '../../test/support/in-memory-message-type-store';
import { InMemorySendingSettingsStore } from '../../test/support/in-memory-sending-settings-store';
import { SendingPolicySource } from './sending-policy-source';

describe('SendingPolicySource', () => {
  const marketing = MessageTypeDefinition.parse({ category: 'marketing' });
  const alert = MessageTypeDefinition.parse({ category: 'alert', quietHours: 'bypass' });

  function setUp() {
    let now = 1_000;
    const messageTypes = new InMemoryMessageTypeStore();
    const settings = new InMemorySendingSettingsStore();
    const source = new SendingPolicySource(messageTypes, settings, 5000, () => now);
    return { source, messageTypes, settings, advance: (ms: number) => (now += ms) };
  }

  it('loads every tenant of a batch with one query per table, and the defaults for a tenant with nothing', async () => {
    const { source, messageTypes, settings } = setUp();
    await messageTypes.create('acme', 'newsletter', marketing);
    await messageTypes.create('globex', 'outage', alert);
    await settings.put('acme', SendingSettings.parse({ defaultMessageType: 'newsletter' }));

    const policies = await source.forTenants(['acme', 'globex', 'initech', 'acme']);

    expect([messageTypes.queries, settings.queries]).toEqual([1, 1]);
    expect(policies.get('acme')?.settings.defaultMessageType).toBe('newsletter');
    expect([...(policies.get('acme')?.types.keys() ?? [])].sort()).toEqual(['default', 'newsletter']);
    expect(policies.get('globex')?.types.get('outage')).toEqual(alert);
    expect(policies.get('initech')).toEqual({
      settings: SendingSettings.parse({}),
      types: new Map([['default', BUILT_IN_MESSAGE_TYPE]]),
    });
  });

  it('answers from memory until the entry expires, then reads again', async () => {
    const { source, messageTypes, settings, advance } = setUp();
    await source.forTenants(['acme']);
    await messageTypes.create('acme', 'newsletter', marketing);

    const cached = await source.forTenants(['acme']);
    advance(5001);
    const reloaded = await source.forTenants(['acme']);

    expect(cached.get('acme')?.types.has('newsletter')).toBe(false);
    expect(reloaded.get('acme')?.types.has('newsletter')).toBe(true);
    expect([messageTypes.queries, settings.queries]).toEqual([2, 2]);
  });

  it('reads a forgotten tenant again at once, and only that tenant', async () => {
    const { source, messageTypes } = setUp();
    await source.forTenants(['acme', 'globex']);
    await messageTypes.create('acme', 'newsletter', marketing);

    source.forget('acme');
    const policies = await source.forTenants(['acme', 'globex']);

    expect(policies.get('acme')?.types.has('newsletter')).toBe(true);
    expect(messageTypes.queries).toBe(2);
  });

  it('lets batches processed at the same time share the load of the tenants they both miss', async () => {
    const { source, messageTypes, settings } = setUp();
    await messageTypes.create('acme', 'newsletter', marketing);

    const [first, second] = await Promise.all([
      source.forTenants(['acme', 'globex']),
      source.forTenants(['globex', 'acme']),
    ]);

    expect([messageTypes.queries, settings.queries]).toEqual([1, 1]);
    expect(second.get('acme')).toBe(first.get('acme'));
    expect(second.get('acme')?.types.has('newsletter')).toBe(true);
  });

  it('fails the batches waiting on a load that fails, and loads again for the next one', async () => {
    const { source, messageTypes } = setUp();
    const listForTenants = jest
      .spyOn(messageTypes, 'listForTenants')
      .mockRejectedValueOnce(new Error('connection reset'));

    await expect(Promise.all([source.forTenants(['acme']), source.forTenants(['acme'])])).rejects.toThrow(
      'connection reset',
    );
    const policies = await source.forTenants(['acme']);

    expect(listForTenants).toHaveBeenCalledTimes(2);
    expect(policies.get('acme')?.types.has('default')).toBe(true);
  });

  it('does not cache what a load read before a write that happened while it ran', async () => {
    const { source, messageTypes } = setUp();
    const slowLoad = source.forTenants(['acme']);
    // The write lands after the load's query was sent and before its answer is kept.
    await messageTypes.create('acme', 'newsletter', marketing);
    source.forget('acme');
    await slowLoad;

    const policies = await source.forTenants(['acme']);

    expect(policies.get('acme')?.types.has('newsletter')).toBe(true);
  });
});
