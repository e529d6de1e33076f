import { waitFor } from './wait-for';

describe('waitFor', () => {
  it('resolves with the first value that is not undefined, null or false, including 0 and empty strings', async () => {
    const answers: unknown[] = [undefined, null, false, 0];
    let calls = 0;

    const value = await waitFor('a number', () => answers[calls++] as number | undefined, 1000, 1);

    expect(value).toBe(0);
    expect(calls).toBe(4);
  });

  it('awaits asynchronous conditions', async () => {
    await expect(waitFor('an async answer', async () => 'done', 1000, 1)).resolves.toBe('done');
  });

  it('keeps polling through errors and quotes the last one when the deadline passes', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      throw new Error(`attempt ${calls} failed`);
    };

    await expect(waitFor('the flaky thing', failing, 50, 5)).rejects.toThrow(
      /^timed out after 50 ms waiting for the flaky thing \(last error: attempt \d+ failed\)$/,
    );
    expect(calls).toBeGreaterThan(1);
  });

  it('says what it waited for when the condition never holds', async () => {
    await expect(waitFor('the outbox to empty', () => false, 30, 5)).rejects.toThrow(
      new Error('timed out after 30 ms waiting for the outbox to empty'),
    );
  });
});
