import { IngestError } from '../ingest-error';
import { CreateTrigger } from './create-trigger.usecase';
import { InMemoryTriggerStore } from '../../test/support/in-memory-trigger-store';
import { ListTriggers } from './list-triggers.usecase';
import { TriggerCache } from './trigger-cache';

describe('CreateTrigger', () => {
  const request = { eventType: 'order.shipped', templateKey: 'order-shipped', channel: 'email' as const };
  let store: InMemoryTriggerStore;
  let cache: TriggerCache;
  let createTrigger: CreateTrigger;

  beforeEach(() => {
    store = new InMemoryTriggerStore(() => new Date('2030-01-01T00:00:00.000Z'));
    cache = new TriggerCache(store);
    createTrigger = new CreateTrigger(store, cache);
  });

  it('creates the trigger and shows it in the list', async () => {
    const view = await createTrigger.execute('acme', request);

    expect(view).toEqual({ ...request, createdAt: '2030-01-01T00:00:00.000Z' });
    expect(await new ListTriggers(store).execute('acme')).toEqual({ triggers: [view] });
    expect(await new ListTriggers(store).execute('globex')).toEqual({ triggers: [] });
  });

  it('keeps the message type a trigger names and shows it; a trigger without one shows none', async () => {
    const typed = await createTrigger.execute('acme', { ...request, messageType: 'order-update' });
    const untyped = await createTrigger.execute('acme', { ...request, eventType: 'order.delivered' });

    expect(typed.messageType).toBe('order-update');
    expect(store.triggers.map((trigger) => trigger.messageType)).toEqual(['order-update', null]);
    expect('messageType' in untyped).toBe(false);
  });

  it('refuses a second trigger for the same event type with TRIGGER_EXISTS', async () => {
    await createTrigger.execute('acme', request);

    const refusal = createTrigger.execute('acme', { ...request, templateKey: 'other' });
    await expect(refusal).rejects.toBeInstanceOf(IngestError);
    await expect(refusal).rejects.toMatchObject({ status: 409, code: 'TRIGGER_EXISTS' });
  });

  it('applies a new trigger to the next batch on this replica without waiting for the cache', async () => {
    await cache.triggersFor(['acme']);
    await createTrigger.execute('acme', request);

    expect((await cache.triggersFor(['acme'])).get('acme')?.has('order.shipped')).toBe(true);
  });
});
