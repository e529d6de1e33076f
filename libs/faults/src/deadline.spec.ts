import { withDeadline } from './deadline';
import { isInfrastructureFault } from './infrastructure-fault';

describe('withDeadline', () => {
  it('answers as the work does when it settles in time', async () => {
    await expect(withDeadline(Promise.resolve(42), 1000, 'the database')).resolves.toBe(42);
    await expect(withDeadline(Promise.reject(new Error('bad query')), 1000, 'the database')).rejects.toThrow(
      'bad query',
    );
  });

  it('rejects with an infrastructure fault naming the dependency when the work does not settle in time', async () => {
    const error = await withDeadline(new Promise<never>(() => undefined), 10, 'the database').catch(
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ message: 'the database did not answer within 10 ms' });
    expect(isInfrastructureFault(error)).toBe(true);
  });
});
