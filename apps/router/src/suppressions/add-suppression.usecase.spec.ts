import { AddSuppression } from './add-suppression.usecase';
import { InMemorySuppressionStore } from '../../test/support/in-memory-suppression-store';

describe('AddSuppression', () => {
  const createdAt = new Date('2030-01-01T00:00:00.000Z');

  it('suppresses an address for every category and reports it as created', async () => {
    const addSuppression = new AddSuppression(new InMemorySuppressionStore(() => createdAt));

    expect(
      await addSuppression.execute('acme', {
        channel: 'email',
        address: 'ada@example.com',
        reason: 'hard bounce',
        source: 'api',
      }),
    ).toEqual({
      suppression: {
        channel: 'email',
        address: 'ada@example.com',
        reason: 'hard bounce',
        category: null,
        source: 'api',
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
      source: 'bounce',
    });

    const again = await addSuppression.execute('acme', {
      channel: 'email',
      address: 'Ada@Example.com',
      reason: 'complaint',
      source: 'complaint',
    });

    expect(again).toMatchObject({ created: false, suppression: { reason: 'hard bounce', source: 'bounce' } });
  });

  it('adds a suppression of one category beside the one of every category', async () => {
    const addSuppression = new AddSuppression(new InMemorySuppressionStore(() => createdAt));
    await addSuppression.execute('acme', {
      channel: 'sms',
      address: '+447700900123',
      reason: 'replied STOP',
      source: 'sms-reply',
    });

    const marketing = await addSuppression.execute('acme', {
      channel: 'sms',
      address: '+447700900123',
      reason: 'asked for no offers',
      category: 'marketing',
      source: 'api',
    });

    expect(marketing).toMatchObject({ created: true, suppression: { category: 'marketing' } });
  });
});
