import { HeaderName, type DeliveryEvent } from '@switchboard/contracts';
import {
  CircuitBreaker,
  classifySnsError,
  ProviderFailover,
  RetryPolicy,
  seededRandom,
  type ProviderFailure,
} from '@switchboard/delivery';
import type { ConsumedEvent, DeadLetter } from '@switchboard/messaging';
import type { ChannelProvider, ProviderSendContext, ProviderSendResult } from './channel-provider';
import { DeliveryCounters } from './delivery-counters';
import type { DeliveryClaim, DeliveryLedger, DeliveryOutcome } from './delivery-ledger';
import {
  SendDispatchesUsecase,
  type ProviderRoute,
  type ScheduledRetry,
  type SendDispatchesDependencies,
} from './send-dispatches.usecase';

interface TestDispatch {
  tenantId: string;
  messageId: string;
  to: string;
}

type Row = {
  status: 'sending' | 'sent' | 'failed' | 'dead-lettered';
  attempts: number;
  provider: string | null;
  pinned: boolean;
  providerMessageId?: string;
  reason?: string | null;
  leaseOwner: string | null;
  leaseUntil: number;
};

/** The ledger's rules in memory, with the same lease semantics as the PostgreSQL one. */
class InMemoryLedger implements DeliveryLedger {
  readonly rows = new Map<string, Row>();
  constructor(private readonly now: () => number) {}

  async claim(
    deliveries: ReadonlyArray<{ messageId: string }>,
    lease: { owner: string; leaseMs: number },
  ): Promise<Map<string, DeliveryClaim>> {
    const claims = new Map<string, DeliveryClaim>();
    for (const { messageId } of deliveries) {
      const row = this.rows.get(messageId) ?? {
        status: 'sending',
        attempts: 0,
        provider: null,
        pinned: false,
        leaseOwner: null,
        leaseUntil: 0,
      };
      this.rows.set(messageId, row);
      if (row.status === 'sent') {
        claims.set(messageId, {
          outcome: 'finished',
          delivery: {
            status: 'sent',
            provider: row.provider ?? '',
            providerMessageId: row.providerMessageId ?? '',
            detail: {},
            finishedAt: new Date(0),
          },
        });
      } else if (row.status === 'failed') {
        claims.set(messageId, {
          outcome: 'finished',
          delivery: {
            status: 'failed',
            provider: row.provider,
            reason: row.reason ?? '',
            finishedAt: new Date(0),
          },
        });
      } else if (row.leaseOwner !== null && row.leaseOwner !== lease.owner && row.leaseUntil > this.now()) {
        claims.set(messageId, { outcome: 'busy', until: new Date(row.leaseUntil) });
      } else {
        row.status = 'sending';
        row.leaseOwner = lease.owner;
        row.leaseUntil = this.now() + lease.leaseMs;
        claims.set(messageId, {
          outcome: 'claimed',
          attempts: row.attempts,
          lastProvider: row.provider,
          pinnedProvider: row.pinned ? row.provider : null,
        });
      }
    }
    return claims;
  }

  async recordAttempts(
    attempts: ReadonlyArray<{ messageId: string; provider: string }>,
    lease: { owner: string; leaseMs: number },
  ): Promise<Set<string>> {
    const leased = new Set<string>();
    for (const { messageId, provider } of attempts) {
      const row = this.rows.get(messageId);
      if (!row || row.leaseOwner !== lease.owner) continue;
      Object.assign(row, { provider, pinned: true, attempts: row.attempts + 1 });
      leased.add(messageId);
    }
    return leased;
  }

  /** Refusals still to come, as a database that is down would answer. */
  refuseOutcomes = 0;

  async recordOutcomes(outcomes: readonly DeliveryOutcome[], owner: string): Promise<void> {
    if (this.refuseOutcomes > 0) {
      this.refuseOutcomes -= 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
    for (const outcome of outcomes) {
      const row = this.rows.get(outcome.messageId);
      if (!row || row.leaseOwner !== owner) continue;
      row.status = outcome.status;
      row.leaseOwner = null;
      if (outcome.status === 'sent') {
        Object.assign(row, {
          provider: outcome.provider,
          providerMessageId: outcome.providerMessageId,
          pinned: false,
        });
      } else if (outcome.status === 'failed') {
        Object.assign(row, { reason: outcome.reason, pinned: false });
      } else {
        Object.assign(row, { reason: outcome.reason, pinned: outcome.pinnedProvider !== null });
      }
    }
  }
}

type SendBehaviour = (dispatch: TestDispatch, context: ProviderSendContext) => Promise<ProviderSendResult>;

class ScriptedProvider implements ChannelProvider<TestDispatch> {
  readonly calls: Array<{ messageId: string; attempt: number }> = [];
  behaviour: SendBehaviour = async (dispatch) => ({
    providerMessageId: `${this.name}-${dispatch.messageId}`,
  });

  constructor(readonly name: string) {}

  send(dispatch: TestDispatch, context: ProviderSendContext): Promise<ProviderSendResult> {
    this.calls.push({ messageId: dispatch.messageId, attempt: context.attempt });
    return this.behaviour(dispatch, context);
  }

  classify(error: unknown): ProviderFailure {
    return classifySnsError(error);
  }
}

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} happened`), { name, $metadata: { httpStatusCode: status } });
}

const RETRY_TOPICS = [
  { delayMs: 1000, topic: 'sb.retry.test.1s.v1' },
  { delayMs: 10_000, topic: 'sb.retry.test.10s.v1' },
];

function setUp(
  options: {
    failuresToOpen?: number;
    maxAttempts?: number;
    sendTimeoutMs?: number;
    fairShareMaxWaitMs?: number;
    /** What the rate limiter says the next tokens are away, when it says. */
    tokenWaitMs?: number;
  } = {},
) {
  let time = Date.parse('2026-05-01T10:00:00Z');
  const clock = { now: () => time };
  const ledger = new InMemoryLedger(clock.now);
  const primary = new ScriptedProvider('primary');
  const backup = new ScriptedProvider('backup');
  const acquiredAt: Array<string | undefined> = [];
  const routes: Array<ProviderRoute<TestDispatch>> = [primary, backup].map((provider) => ({
    provider,
    breaker: new CircuitBreaker({
      provider: provider.name,
      consecutiveFailuresToOpen: options.failuresToOpen ?? 3,
      openForMs: 5000,
      clock,
    }),
    rateLimiter: {
      ratePerSecond: 100,
      burst: 10,
      acquire: async (_count, _signal, acquireOptions) => void acquiredAt.push(acquireOptions?.priority),
      ...(options.tokenWaitMs === undefined ? {} : { estimateWaitMs: () => options.tokenWaitMs as number }),
    },
  }));
  const events: DeliveryEvent[] = [];
  const retries: Array<ScheduledRetry<TestDispatch>> = [];
  const letters: DeadLetter[] = [];
  const holds: Date[] = [];
  const counters = new DeliveryCounters();
  const dependencies: SendDispatchesDependencies<TestDispatch> = {
    channel: 'sms',
    source: 'sender-test',
    ledger,
    failover: new ProviderFailover(routes, { clock }),
    retryPolicy: new RetryPolicy({
      maxAttempts: options.maxAttempts ?? 4,
      baseDelayMs: 2000,
      maxDelayMs: 20_000,
    }),
    retryTopics: RETRY_TOPICS,
    outbox: {
      publishEvents: async (published) => void events.push(...published),
      publishRetries: async (published) => void retries.push(...published),
      publishDeadLetters: async (published) => void letters.push(...published),
    },
    counters,
    recipientOf: (dispatch) => dispatch.to,
    holdUntil: async (until) => {
      holds.push(until);
      time = until.getTime();
    },
    leaseMs: 60_000,
    sendTimeoutMs: options.sendTimeoutMs ?? 5000,
    fairShareMaxWaitMs: options.fairShareMaxWaitMs,
    clock,
    random: seededRandom(42),
  };
  const usecase = new SendDispatchesUsecase(dependencies);
  const signal = new AbortController().signal;
  return {
    usecase,
    ledger,
    primary,
    backup,
    routes,
    events,
    retries,
    letters,
    holds,
    counters,
    acquiredAt,
    advance: (ms: number) => (time += ms),
    send: (batch: Array<ConsumedEvent<TestDispatch>>, concurrency = 4) =>
      usecase.execute(batch, concurrency, signal),
    eventTypes: (messageId: string) =>
      events.filter((event) => event.messageId === messageId).map((event) => event.type),
  };
}

let nextId = 1;
function consumed(overrides: Partial<TestDispatch> = {}, attempt = 1, headers: Record<string, string> = {}) {
  const id = String(nextId++).padStart(12, '0');
  const payload: TestDispatch = {
    tenantId: 'acme',
    messageId: `00000000-0000-4000-8000-${id}`,
    to: `+1415555${id.slice(-4)}`,
    ...overrides,
  };
  const event: ConsumedEvent<TestDispatch> = {
    topic: 'sb.dispatch.test.high.v1',
    partition: 2,
    offset: String(nextId),
    key: `acme:${payload.to}`,
    payload,
    // As a publisher without a cipher writes it; dead letters keep these bytes.
    value: Buffer.from(JSON.stringify(payload)),
    headers: { [HeaderName.messageId]: payload.messageId, ...headers },
    attempt,
    processingAttempt: 1,
  };
  return event;
}

describe('SendDispatchesUsecase', () => {
  it('sends through the first provider, records it sent and reports the provider detail', async () => {
    const test = setUp();
    test.primary.behaviour = async () => ({
      providerMessageId: 'sns-1',
      detail: { segments: 2, encoding: 'GSM-7' },
    });
    const event = consumed();

    const [outcome] = await test.send([event]);

    expect(outcome).toEqual({ result: 'sent', provider: 'primary', providerMessageId: 'sns-1' });
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({
      status: 'sent',
      attempts: 1,
      provider: 'primary',
    });
    expect(test.events).toEqual([
      expect.objectContaining({
        type: 'sent',
        provider: 'primary',
        channel: 'sms',
        source: 'sender-test',
        detail: { segments: 2, encoding: 'GSM-7', providerMessageId: 'sns-1' },
      }),
    ]);
    expect(test.counters.snapshot('primary')).toMatchObject({ attempts: 1, sent: 1 });
  });

  it("puts a busy tenant's dispatches beyond its fair share off, with no provider call or attempt, and sends the quiet tenant's", async () => {
    // 100 tokens a second (10 ms each), and a dispatch may wait 50 ms for its token or its share.
    const test = setUp({ fairShareMaxWaitMs: 50 });
    const busy = Array.from({ length: 10 }, () => consumed({ tenantId: 'busy' }));
    const quiet = consumed({ tenantId: 'quiet' });

    const outcomes = await test.send([...busy, quiet], 20);

    expect(outcomes[10]).toMatchObject({ result: 'sent' });
    // The busy tenant's first four fit within 50 ms at its half of the rate; the rest wait their slots.
    expect(outcomes.slice(0, 4).every((outcome) => outcome.result === 'sent')).toBe(true);
    const putOff = busy.slice(4);
    expect(outcomes.slice(4, 10).map((outcome) => outcome.result)).toEqual(Array(6).fill('retry-scheduled'));
    const called = new Set(test.primary.calls.map((call) => call.messageId));
    expect(putOff.filter((event) => called.has(event.payload.messageId))).toEqual([]);
    expect(test.retries.map((retry) => retry.payload.messageId)).toEqual(
      putOff.map((event) => event.payload.messageId),
    );
    const slots = test.retries.map((retry) => retry.notBefore.getTime() - Date.parse('2026-05-01T10:00:00Z'));
    // Spaced at the busy tenant's share: two tenants, 50 a second each.
    expect(slots).toEqual([70, 90, 110, 130, 150, 170]);
    expect(test.retries.every((retry) => retry.attempt === 1 && retry.topic === 'sb.retry.test.1s.v1')).toBe(
      true,
    );
    // Put off as the batch came in, before any claim: the ledger has not heard of them yet.
    expect(test.ledger.rows.get(putOff[0].payload.messageId)).toBeUndefined();
    expect(test.events.filter((event) => event.type === 'retry-scheduled')).toEqual(
      putOff.map((event) =>
        expect.objectContaining({
          messageId: event.payload.messageId,
          provider: 'primary',
          reason: 'rate-limited: fair share',
        }),
      ),
    );
    expect(test.counters.snapshot('primary')).toMatchObject({ sent: 5, attempts: 5, putOffForFairShare: 6 });
  });

  it('puts a claimed dispatch off when the tokens are too far away, releasing it in the ledger unattempted', async () => {
    // Another replica has the tokens: the limiter says the next one is 2 s away.
    const test = setUp({ fairShareMaxWaitMs: 1000, tokenWaitMs: 2000 });
    const event = consumed();

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({ result: 'retry-scheduled', reason: 'rate-limited: fair share' });
    expect(test.retries[0].notBefore.getTime() - Date.parse('2026-05-01T10:00:00Z')).toBe(2000);
    expect(test.primary.calls).toEqual([]);
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({
      status: 'sending',
      attempts: 0,
      pinned: false,
      leaseOwner: null,
    });
  });

  it('sends a whole batch whose provider calls are slow, since only waits for tokens count towards putting it off', async () => {
    // Tokens are there at once; each call takes 400 ms, so the batch's 4 chunks of 2 take 1.6 s,
    // beyond the 1 s a dispatch may wait. Putting the last chunks off would not send them sooner.
    const test = setUp({ fairShareMaxWaitMs: 1000, tokenWaitMs: 0 });
    test.primary.behaviour = async (dispatch) => {
      await new Promise((resolve) => setImmediate(resolve));
      test.advance(400);
      return { providerMessageId: `primary-${dispatch.messageId}` };
    };
    const batch = Array.from({ length: 8 }, () => consumed({ tenantId: 'lone' }));

    const outcomes = await test.send(batch, 2);

    expect(outcomes.map((outcome) => outcome.result)).toEqual(Array(8).fill('sent'));
    expect(test.retries).toEqual([]);
    expect(test.counters.snapshot('primary')).toMatchObject({ sent: 8, putOffForFairShare: 0 });
  });

  it('puts the rest of a batch off once its chunks together have waited too long for tokens', async () => {
    // Each token comes 600 ms after it is asked for (other replicas took the rest), though the
    // limiter expected none: the first two chunks wait 600 ms each, and the third would start
    // beyond the 1 s a batch may wait.
    const test = setUp({ fairShareMaxWaitMs: 1000, tokenWaitMs: 0 });
    test.routes[0].rateLimiter.acquire = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      test.advance(600);
    };
    const batch = Array.from({ length: 4 }, () => consumed({ tenantId: 'lone' }));

    const outcomes = await test.send(batch, 1);

    expect(outcomes.map((outcome) => outcome.result)).toEqual([
      'sent',
      'sent',
      'retry-scheduled',
      'retry-scheduled',
    ]);
    expect(test.primary.calls).toHaveLength(2);
  });

  it('sends a put-off dispatch that comes back from its retry topic at its time', async () => {
    const test = setUp({ fairShareMaxWaitMs: 50 });
    const busy = Array.from({ length: 8 }, () => consumed({ tenantId: 'busy' }));
    await test.send(busy, 8);
    const [retry] = test.retries;
    expect(retry).toBeDefined();

    test.advance(retry.notBefore.getTime() - Date.parse('2026-05-01T10:00:00Z'));
    // Fresh dispatches of the tenant have taken its next slots meanwhile; the returning one keeps its own.
    await test.send(
      Array.from({ length: 6 }, () => consumed({ tenantId: 'busy' })),
      6,
    );
    const back = { ...consumed({ tenantId: 'busy' }), payload: retry.payload, topic: retry.topic };
    const [outcome] = await test.send([back]);

    expect(outcome).toMatchObject({ result: 'sent' });
    expect(test.ledger.rows.get(retry.payload.messageId)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('takes rate limit tokens at the priority of the lane the dispatches came from, normal by default', async () => {
    const test = setUp();

    await test.usecase.execute([consumed(), consumed()], 4, new AbortController().signal, 'high');
    await test.send([consumed()]);

    expect(test.acquiredAt).toEqual(['high', 'high', 'normal']);
  });

  it("lets a tenant's few dispatches take turns with another tenant's many, each tenant's in its order", async () => {
    const test = setUp();
    const busy = Array.from({ length: 6 }, () => consumed({ tenantId: 'busy' }));
    const quiet = [consumed({ tenantId: 'quiet' }), consumed({ tenantId: 'quiet' })];
    const tenantOf = new Map(
      [...busy, ...quiet].map((event) => [event.payload.messageId, event.payload.tenantId]),
    );

    const outcomes = await test.send([...busy, ...quiet], 2);

    // Chunks of two: the quiet tenant's dispatches go in the first two instead of the last.
    expect(test.primary.calls.map((call) => tenantOf.get(call.messageId))).toEqual([
      'busy',
      'quiet',
      'busy',
      'quiet',
      'busy',
      'busy',
      'busy',
      'busy',
    ]);
    expect(
      test.primary.calls
        .filter((call) => tenantOf.get(call.messageId) === 'busy')
        .map((call) => call.messageId),
    ).toEqual(busy.map((event) => event.payload.messageId));
    // Outcomes stay in the order the batch came in.
    expect(outcomes.map((outcome) => outcome.result)).toEqual(Array(8).fill('sent'));
    expect(outcomes[6]).toMatchObject({ providerMessageId: `primary-${quiet[0].payload.messageId}` });
  });

  it('never sends a finished delivery again, and publishes its event again', async () => {
    const test = setUp();
    const event = consumed();
    await test.send([event]);

    const [again, duplicate] = await test.send([event, event]);

    expect(again).toEqual({ result: 'skipped', reason: 'already sent' });
    expect(duplicate).toEqual({ result: 'skipped', reason: 'the same message came earlier in the batch' });
    expect(test.primary.calls).toHaveLength(1);
    expect(test.eventTypes(event.payload.messageId)).toEqual(['sent', 'sent']);
  });

  it('fails a permanent error after exactly one attempt, without a retry', async () => {
    const test = setUp();
    test.primary.behaviour = async () => {
      throw awsError('OptedOut', 400);
    };
    const event = consumed();

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({ result: 'failed', provider: 'primary' });
    expect(test.events).toEqual([
      expect.objectContaining({ type: 'failed', reason: expect.stringContaining('OptedOut') }),
    ]);
    expect(test.retries).toEqual([]);
    expect(test.primary.calls).toHaveLength(1);
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({ status: 'failed' });
  });

  it('schedules a transient failure on the retry topic with the next attempt and a jittered not-before time', async () => {
    const test = setUp();
    test.primary.behaviour = async () => {
      throw awsError('InternalError', 500);
    };
    const event = consumed();

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({ result: 'retry-scheduled' });
    expect(test.eventTypes(event.payload.messageId)).toEqual(['attempt-failed', 'retry-scheduled']);
    const [retry] = test.retries;
    expect(retry).toMatchObject({ payload: event.payload, attempt: 2, topic: 'sb.retry.test.1s.v1' });
    const delay = retry.notBefore.getTime() - retry.firstAttemptAt.getTime();
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThan(2000);
    // The provider answered: the next attempt may go to any provider.
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({
      status: 'sending',
      pinned: false,
      attempts: 1,
    });
  });

  it('dead-letters a dispatch on its last attempt with the reason and where it came from', async () => {
    const test = setUp({ maxAttempts: 3 });
    test.primary.behaviour = async () => {
      throw awsError('InternalError', 500);
    };
    const event = consumed({}, 3, { [HeaderName.firstAttemptAt]: '2026-05-01T09:59:00Z' });

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({
      result: 'dead-lettered',
      reason: expect.stringContaining('attempts-exhausted'),
    });
    expect(test.retries).toEqual([]);
    const [letter] = test.letters;
    expect(JSON.parse(String(letter.value))).toEqual(event.payload);
    expect(letter.headers).toMatchObject({
      [HeaderName.originalTopic]: 'sb.dispatch.test.high.v1',
      [HeaderName.originalPartition]: '2',
      [HeaderName.attempts]: '3',
      [HeaderName.error]: expect.stringContaining('attempts-exhausted'),
    });
    expect(test.eventTypes(event.payload.messageId)).toEqual(['attempt-failed', 'dead-lettered']);
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({ status: 'dead-lettered' });
  });

  it('reports the circuit opening on the message that opened it, and fails the next one over', async () => {
    const test = setUp({ failuresToOpen: 2 });
    test.primary.behaviour = async () => {
      throw awsError('ServiceUnavailable', 503);
    };
    const [first, second, third] = [consumed(), consumed(), consumed()];

    await test.send([first, second], 1);
    await test.send([third]);

    expect(test.eventTypes(second.payload.messageId)).toContain('circuit-changed');
    const opened = test.events.find((event) => event.type === 'circuit-changed');
    expect(opened).toMatchObject({
      messageId: second.payload.messageId,
      detail: { provider: 'primary', from: 'closed', to: 'open' },
    });
    expect(test.eventTypes(third.payload.messageId)).toEqual(['failed-over', 'sent']);
    expect(test.events.find((event) => event.type === 'failed-over')?.detail).toEqual({
      from: 'primary',
      to: 'backup',
    });
    expect(test.backup.calls.map((call) => call.messageId)).toEqual([third.payload.messageId]);
  });

  it('keeps a timed-out attempt on its provider: it waits for that circuit rather than failing over', async () => {
    const test = setUp({ failuresToOpen: 1, sendTimeoutMs: 20 });
    test.primary.behaviour = (_dispatch, context) =>
      new Promise((_resolve, reject) =>
        context.signal.addEventListener('abort', () => reject(context.signal.reason)),
      );
    const event = consumed();

    await test.send([event]);
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({
      pinned: true,
      provider: 'primary',
    });
    expect(test.events.find((entry) => entry.type === 'attempt-failed')?.detail).toMatchObject({
      outcomeUnknown: true,
    });

    // The retry arrives while the primary's circuit is open (one failure opens it here).
    const [outcome] = await test.send([consumed(event.payload, 2)]);

    expect(outcome).toMatchObject({ result: 'retry-scheduled', reason: expect.stringContaining('primary') });
    expect(test.backup.calls).toEqual([]);
    expect(test.retries.at(-1)).toMatchObject({ attempt: 2 });
  });

  it('holds consuming until the earliest half-open time when every circuit is open, then sends', async () => {
    const test = setUp({ failuresToOpen: 1 });
    for (const route of test.routes)
      route.breaker.recordFailure({ kind: 'transient', code: 'x', reason: 'down' });
    const reopensAt = test.routes[0].breaker.snapshot().openUntil;
    const event = consumed();

    const [outcome] = await test.send([event]);

    expect(test.holds).toEqual([reopensAt]);
    expect(outcome).toMatchObject({ result: 'sent', provider: 'primary' });
    // The probe's success closes the circuit again, on this message's timeline.
    const changes = test.events
      .filter((entry) => entry.type === 'circuit-changed')
      .map((entry) => entry.detail?.to);
    expect(changes).toEqual(['half-open', 'closed']);
    expect(test.eventTypes(event.payload.messageId)).toEqual(['circuit-changed', 'circuit-changed', 'sent']);
    expect(test.primary.calls).toHaveLength(1);
  });

  it('never dead-letters a dispatch while every provider of the channel is down: it waits, its attempt kept', async () => {
    const test = setUp({ failuresToOpen: 1, maxAttempts: 3 });
    test.routes[1].breaker.recordFailure({ kind: 'transient', code: 'x', reason: 'down' });
    test.primary.behaviour = async () => {
      throw awsError('ServiceUnavailable', 503);
    };
    // Its last attempt, and older than the retry policy allows: only the outage is to blame.
    const event = consumed({}, 3, { [HeaderName.firstAttemptAt]: '2026-04-01T10:00:00Z' });

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({
      result: 'retry-scheduled',
      reason: expect.stringContaining('every sms provider is unavailable'),
    });
    expect(test.letters).toEqual([]);
    expect(test.retries).toEqual([expect.objectContaining({ attempt: 3 })]);
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({ status: 'sending' });
    expect(test.eventTypes(event.payload.messageId)).toEqual([
      'attempt-failed',
      'circuit-changed',
      'retry-scheduled',
    ]);
  });

  it('still dead-letters a dispatch on its last attempt while another provider of the channel is up', async () => {
    const test = setUp({ failuresToOpen: 1, maxAttempts: 3 });
    test.primary.behaviour = async () => {
      throw awsError('ServiceUnavailable', 503);
    };
    // The primary's circuit opens on this failure, but the backup's is closed: the channel is up.
    const event = consumed({}, 3);

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({ result: 'dead-lettered' });
    expect(test.letters).toHaveLength(1);
  });

  it('waits for the database to record a sent message rather than leaving it to a redelivery that would send it again', async () => {
    const test = setUp();
    test.primary.behaviour = async () => ({ providerMessageId: 'sns-9' });
    test.ledger.refuseOutcomes = 2;
    const event = consumed();

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({ result: 'sent' });
    expect(test.primary.calls).toHaveLength(1);
    expect(test.ledger.refuseOutcomes).toBe(0);
    expect(test.ledger.rows.get(event.payload.messageId)).toMatchObject({ status: 'sent' });
    expect(test.eventTypes(event.payload.messageId)).toEqual(['sent']);
  });

  it('puts off a delivery another sender holds until that lease ends', async () => {
    const test = setUp();
    const event = consumed();
    await test.ledger.claim([event.payload], { owner: 'someone-else', leaseMs: 30_000 });

    const [outcome] = await test.send([event]);

    expect(outcome).toMatchObject({ result: 'retry-scheduled', topic: 'sb.retry.test.10s.v1' });
    expect(test.primary.calls).toEqual([]);
    expect(test.retries[0]).toMatchObject({ attempt: 1 });
  });
});
