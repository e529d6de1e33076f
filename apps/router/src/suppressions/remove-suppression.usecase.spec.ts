import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';
import { RemoveSuppression } from './remove-suppression.usecase';
import { SuppressionError } from './suppression-error';

describe('RemoveSuppression', () => {
  const number = '+447700900123';

  async function setUp() {
    const store = new InMemorySuppressionStore();
    await store.add('acme', { channel: 'sms', address: number, reason: 'bounced', source: 'bounce' });
    await store.add('acme', {
      channel: 'sms',
      address: number,
      reason: 'no offers',
      category: 'marketing',
      source: 'api',
    });
    return { store, remove: new RemoveSuppression(store) };
  }

  it('removes only the suppression of the category named', async () => {
    const { store, remove } = await setUp();

    await remove.execute('acme', 'sms', number, { category: 'marketing' });

    expect([...store.suppressions.values()].map((suppression) => suppression.source)).toEqual(['bounce']);
  });

  it('leaves a suppression another source added, and says none was found', async () => {
    const { store, remove } = await setUp();

    await expect(remove.execute('acme', 'sms', number, { source: 'sms-reply' })).rejects.toThrow(
      SuppressionError,
    );
    expect(store.suppressions.size).toBe(2);
  });

  it('answers not found for an address never suppressed', async () => {
    const { remove } = await setUp();

    await expect(remove.execute('acme', 'sms', '+447700900999', {})).rejects.toMatchObject({
      suppressionCode: 'SUPPRESSION_NOT_FOUND',
    });
  });
});
