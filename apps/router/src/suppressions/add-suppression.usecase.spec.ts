import { AddSuppression } from './add-suppression.usecase';
import { InMemorySuppressionStore } from './in-memory-suppression-store';

describe('AddSuppression', () => {
  const createdAt = new Date('2030-01-01T00:00:00.000Z');

  it('suppresses an address and reports it as created', async () => {
    const addSuppression = new AddSuppression(new InMemorySuppressionStore(() => createdAt));

    expect(
      await addSuppression.execute('acme', {
        channel: 'email',
        address: 'ada@example.com',
        reason: 'hard bounce',
      }),
    ).toEqual({
      suppression: {
        channel: 'email',
        address: 'ada@example.com',
        reason: 'hard bounce',
        createdAt: '2030-01-01T00:00:00.000Z',
      },
      created: true,
    });
  });

  it('keeps the first suppression when the same address comes again in another case', async () => {
    const addSuppression = new AddSuppression(new InMemorySuppressionStore(() => createdAt));
    await addSuppression.execute('acme', {
      channel: 'email',
      address: 'ada@example.com',
      reason: 'hard bounce',
    });

    const again = await addSuppression.execute('acme', {
      channel: 'email',
      address: 'Ada@Example.com',
      reason: 'complaint',
    });

    expect(again).toMatchObject({ created: false, suppression: { reason: 'hard bounce' } });
  });
});
