import { InMemoryTriggerStore } from '../../test/support/in-memory-trigger-store';
import { TriggerCache } from './trigger-cache';

describe('TriggerCache', () => {
  let store: InMemoryTriggerStore;
  let now: number;
  let cache: TriggerCache;

  beforeEach(async () => {
    store = new InMemoryTriggerStore();
    await store.create('acme', {
      eventType: 'order.shipped',
      templateKey: 'order-shipped',
      channel: 'email',
    });
    now = 0;
    cache = new TriggerCache(store, 5000, () => now);
  });

  it("loads every missing tenant's triggers in one query", async () => {
    const triggers = await cache.triggersFor(['acme', 'globex', 'acme']);

    expect(store.queries).toBe(1);
    expect(triggers.get('acme')?.get('order.shipped')?.templateKey).toBe('order-shipped');
    expect(triggers.get('globex')?.size).toBe(0);
  });

  it('answers from memory until the entry expires, then loads again', async () => {
    await cache.triggersFor(['acme']);
    await store.create('acme', { eventType: 'cart.abandoned', templateKey: 'cart', channel: 'email' });
    now = 4999;
    expect((await cache.triggersFor(['acme'])).get('acme')?.has('cart.abandoned')).toBe(false);

    now = 5000;
    expect((await cache.triggersFor(['acme'])).get('acme')?.has('cart.abandoned')).toBe(true);
    expect(store.queries).toBe(2);
  });

  it('loads a forgotten tenant again at once', async () => {
    await cache.triggersFor(['acme']);
    cache.forget('acme');
    await cache.triggersFor(['acme']);

    expect(store.queries).toBe(2);
  });
});
