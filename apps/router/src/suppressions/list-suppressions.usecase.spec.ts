import { ContractValidationError } from '@switchboard/contracts';
import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';
import { ListSuppressions } from './list-suppressions.usecase';

async function storeWith(addresses: string[]): Promise<InMemorySuppressionStore> {
  const store = new InMemorySuppressionStore(() => new Date('2030-01-01T00:00:00.000Z'));
  for (const address of addresses) {
    await store.add('acme', { channel: 'email', address, reason: 'asked', source: 'api' });
  }
  return store;
}

describe('ListSuppressions', () => {
  it('pages through the suppressions newest first with the cursor it hands out', async () => {
    const list = new ListSuppressions(await storeWith(['a@example.com', 'b@example.com', 'c@example.com']));

    const first = await list.execute('acme', { limit: 2 });
    const second = await list.execute('acme', { limit: 2, cursor: first.nextCursor ?? undefined });

    expect(first.items.map((item) => item.address)).toEqual(['c@example.com', 'b@example.com']);
    expect(second).toEqual({
      items: [expect.objectContaining({ address: 'a@example.com' })],
      nextCursor: null,
    });
  });

  it('shows only the tenant its own suppressions', async () => {
    const store = await storeWith(['a@example.com']);
    await store.add('globex', { channel: 'email', address: 'g@example.com', reason: 'asked', source: 'api' });

    const page = await new ListSuppressions(store).execute('globex', { limit: 50 });

    expect(page.items.map((item) => item.address)).toEqual(['g@example.com']);
  });

  it('refuses a cursor it did not hand out, naming the cursor', async () => {
    const list = new ListSuppressions(await storeWith([]));

    await expect(list.execute('acme', { limit: 50, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(
      ContractValidationError,
    );
  });
});
