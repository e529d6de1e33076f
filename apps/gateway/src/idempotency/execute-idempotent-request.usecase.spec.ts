import { Logger } from '@nestjs/common';
import { GatewayError } from '../gateway-error';
import {
  ExecuteIdempotentRequest,
  type IdempotencySettings,
  type IdempotentRequest,
} from './execute-idempotent-request.usecase';
import { InMemoryIdempotencyStore } from '../../test/support/in-memory-idempotency-store';
import type { StoredResponse } from './idempotency-record';

const settings: IdempotencySettings = {
  ttlMs: 86_400_000,
  waitMs: 5_000,
  pollIntervalMs: 50,
  abandonedAfterMs: 60_000,
};
const request: IdempotentRequest = { tenantId: 'acme', key: 'order-42', requestHash: 'hash-a' };
const accepted: StoredResponse = { status: 202, body: { messageId: 'm-1', status: 'accepted' } };

function setUp() {
  const store = new InMemoryIdempotencyStore();
  let clock = new Date('2026-03-01T12:00:00Z').getTime();
  const advance = (ms: number) => {
    clock += ms;
  };
  // Each poll advances the fake clock and yields, so a concurrent first request can progress.
  const sleep = async (ms: number) => {
    advance(ms);
    await new Promise((resolve) => setImmediate(resolve));
  };
  const useCase = new ExecuteIdempotentRequest(store, settings, () => new Date(clock), sleep);
  return { store, useCase, advance };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ExecuteIdempotentRequest', () => {
  it('runs the work once and stores its answer', async () => {
    const { store, useCase } = setUp();
    const work = jest.fn(async () => accepted);

    const outcome = await useCase.execute(request, work);

    expect(outcome).toEqual({ response: accepted, replayed: false });
    expect(work).toHaveBeenCalledTimes(1);
    expect(await store.find('acme', 'order-42')).toMatchObject({ state: 'completed', response: accepted });
  });

  it('replays the stored answer to a repeat of the same request without running the work', async () => {
    const { useCase } = setUp();
    await useCase.execute(request, async () => accepted);
    const work = jest.fn(async () => ({ status: 202, body: { messageId: 'm-2' } }));

    const outcome = await useCase.execute(request, work);

    expect(outcome).toEqual({ response: accepted, replayed: true });
    expect(work).not.toHaveBeenCalled();
  });

  it('rejects the same key with a different body as IDEMPOTENCY_KEY_REUSED (422)', async () => {
    const { useCase } = setUp();
    await useCase.execute(request, async () => accepted);

    const attempt = useCase.execute({ ...request, requestHash: 'hash-b' }, async () => accepted);

    await expect(attempt).rejects.toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', status: 422 });
  });

  it('keeps keys apart per tenant', async () => {
    const { useCase } = setUp();
    await useCase.execute(request, async () => accepted);
    const work = jest.fn(async () => accepted);

    const outcome = await useCase.execute({ ...request, tenantId: 'globex', requestHash: 'hash-b' }, work);

    expect(outcome.replayed).toBe(false);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('makes concurrent duplicates wait for the first answer instead of running the work again', async () => {
    const { useCase } = setUp();
    const firstWork = deferred<StoredResponse>();
    const work = jest.fn(() => firstWork.promise);

    const first = useCase.execute(request, work);
    const duplicates = [useCase.execute(request, work), useCase.execute(request, work)];
    await new Promise((resolve) => setImmediate(resolve));
    firstWork.resolve(accepted);

    expect(await first).toEqual({ response: accepted, replayed: false });
    expect(await Promise.all(duplicates)).toEqual([
      { response: accepted, replayed: true },
      { response: accepted, replayed: true },
    ]);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('frees the key when the work fails, so a waiting duplicate runs it instead', async () => {
    const { store, useCase } = setUp();
    const firstWork = deferred<StoredResponse>();
    const first = useCase.execute(request, () => firstWork.promise);
    const retryWork = jest.fn(async () => accepted);
    const duplicate = useCase.execute(request, retryWork);
    await new Promise((resolve) => setImmediate(resolve));
    firstWork.reject(new GatewayError('BROKER_UNAVAILABLE', 'broker down'));

    await expect(first).rejects.toMatchObject({ code: 'BROKER_UNAVAILABLE' });
    expect(await duplicate).toEqual({ response: accepted, replayed: false });
    expect(retryWork).toHaveBeenCalledTimes(1);
    expect(await store.find('acme', 'order-42')).toMatchObject({ state: 'completed' });
  });

  it('answers IDEMPOTENCY_REQUEST_IN_PROGRESS (409) when the first request outlasts the wait deadline', async () => {
    const { useCase } = setUp();
    void useCase.execute(request, () => new Promise<StoredResponse>(() => undefined));

    const duplicate = useCase.execute(request, async () => accepted);

    await expect(duplicate).rejects.toMatchObject({ code: 'IDEMPOTENCY_REQUEST_IN_PROGRESS', status: 409 });
  });

  it('takes over a key left pending by a request that died', async () => {
    const { store, useCase, advance } = setUp();
    await store.claim({
      ...request,
      createdAt: new Date('2026-03-01T12:00:00Z'),
      expiresAt: new Date('2026-03-02T12:00:00Z'),
    });
    advance(settings.abandonedAfterMs);
    const work = jest.fn(async () => accepted);

    const outcome = await useCase.execute(request, work);

    expect(outcome).toEqual({ response: accepted, replayed: false });
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('treats an expired key as new, even for a different body', async () => {
    const { useCase, advance } = setUp();
    await useCase.execute(request, async () => accepted);
    advance(settings.ttlMs);
    const work = jest.fn(async () => ({ status: 202, body: { messageId: 'm-2', status: 'accepted' } }));

    const outcome = await useCase.execute({ ...request, requestHash: 'hash-b' }, work);

    expect(outcome.replayed).toBe(false);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('still answers when storing the answer fails, since the work is done', async () => {
    const { store, useCase } = setUp();
    store.complete = async () => {
      throw new Error('database down');
    };
    const logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);

    const outcome = await useCase.execute(request, async () => accepted);

    expect(outcome).toEqual({ response: accepted, replayed: false });
    expect(logError).toHaveBeenCalledWith(expect.stringContaining('could not store'), expect.anything());
    logError.mockRestore();
  });
});
