import type { ProviderFailure } from '@switchboard/delivery';
import { decidePushDelivery, type SubscriptionOutcome } from './push-delivery-decision';

const MESSAGE_ID = '0f6b7d4e-3c52-4d8e-9a41-2b1c8e5f7a10';
const gone: ProviderFailure = { kind: 'permanent', code: 'subscription-gone', reason: 'HTTP 410' };
const unavailable: ProviderFailure = { kind: 'transient', code: 'http-503', reason: 'HTTP 503' };
const timeout: ProviderFailure = { kind: 'transient', code: 'timeout', reason: 'no answer' };
const refused: ProviderFailure = { kind: 'permanent', code: 'endpoint-refused', reason: 'private address' };

const accepted = (location?: string): SubscriptionOutcome => ({
  endpoint: 'https://push.example.com/a',
  outcome: 'accepted',
  ...(location ? { location } : {}),
});
const failed = (failure: ProviderFailure, endpoint = 'https://push.example.com/b'): SubscriptionOutcome => ({
  endpoint,
  outcome: 'failed',
  failure,
});

describe('decidePushDelivery', () => {
  it('is sent when one subscription accepted, whatever the others answered', () => {
    expect(
      decidePushDelivery(MESSAGE_ID, [
        failed(gone),
        accepted('https://push.example.com/m/1'),
        failed(unavailable),
      ]),
    ).toEqual({
      result: 'sent',
      providerMessageId: 'https://push.example.com/m/1',
      counts: { subscriptions: 3, accepted: 1, gone: 1, failed: 1 },
    });
  });

  it('uses the message id when the push service gave no Location', () => {
    expect(decidePushDelivery(MESSAGE_ID, [accepted()])).toMatchObject({ providerMessageId: MESSAGE_ID });
  });

  it('fails for good as subscription-gone when every subscription is gone', () => {
    expect(decidePushDelivery(MESSAGE_ID, [failed(gone), failed(gone)])).toEqual({
      result: 'failed',
      failure: {
        kind: 'permanent',
        code: 'subscription-gone',
        reason: '2 subscriptions failed: subscription-gone (HTTP 410)',
      },
      counts: { subscriptions: 2, accepted: 0, gone: 2, failed: 0 },
    });
  });

  it('is retried when none accepted and one failed for a reason that may pass', () => {
    expect(
      decidePushDelivery(MESSAGE_ID, [failed(gone), failed(unavailable), failed(timeout)]),
    ).toMatchObject({
      result: 'failed',
      failure: {
        kind: 'transient',
        code: 'http-503',
        reason:
          '3 subscriptions failed: subscription-gone (HTTP 410), http-503 (HTTP 503), timeout (no answer)',
      },
    });
  });

  it('waits as long as the most demanding push service asked when all that may pass are throttled', () => {
    const throttled = (retryAfterMs: number): ProviderFailure => ({
      kind: 'throttled',
      code: 'http-429',
      reason: 'HTTP 429',
      retryAfterMs,
    });
    expect(
      decidePushDelivery(MESSAGE_ID, [failed(throttled(1_000)), failed(throttled(30_000)), failed(gone)]),
    ).toMatchObject({
      result: 'failed',
      failure: { kind: 'throttled', code: 'http-429', retryAfterMs: 30_000 },
    });
  });

  it('names the refusal, not the gone ones, when permanent failures are mixed', () => {
    expect(decidePushDelivery(MESSAGE_ID, [failed(gone), failed(refused)])).toMatchObject({
      result: 'failed',
      failure: { kind: 'permanent', code: 'endpoint-refused' },
      counts: { subscriptions: 2, accepted: 0, gone: 1, failed: 1 },
    });
  });
});
