import { randomUUID } from 'node:crypto';
import { type MessageRequested, MessageRequestedTopic, type ScheduleView } from '@switchboard/contracts';
import { createDataSource } from '@switchboard/persistence';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
import {
  RecordingEventSink,
  createTestBroker,
  createTestDatabase,
  observeTopics,
  type TestBroker,
  type TestDatabase,
  testKafka,
  type TopicObserver,
  waitFor,
  TEST_SERVICE_TOKEN_SECRETS,
  TEST_ENCRYPTION_VARIABLES,
  serviceAuthorization,
} from '@switchboard/testing';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { loadRouterConfig } from '../src/config';
import { FireDueRecurringSchedules } from '../src/recurring-schedules/fire-due-recurring-schedules.usecase';
import { occurrenceMessageId } from '../src/recurring-schedules/occurrence-message-id';
import { RecurringScheduleRepository } from '../src/recurring-schedules/recurring-schedule.repository';
import { startRouter } from '../src/router';
import { RoutingEncryption } from '../src/routing/routing-encryption';

const message = {
  recipient: { email: 'ada@example.com' },
  content: { templateKey: 'weekly-digest', data: { week: 1 } },
};

describe('recurring schedules', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let routers: RunningService[] = [];
  let cipher: StandalonePayloadCipher;
  let observer: TopicObserver;
  let db: Client;

  function startReplica(): Promise<RunningService> {
    return startRouter(
      loadRouterConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
        ROUTER_RECURRING_POLL_INTERVAL: '100ms',
      }),
      new StructuredLogger('router', 'warn'),
    );
  }

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('router_recurring')]);
    routers = [await startReplica()];
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    observer = await observeTopics(
      testKafka(broker.brokers, 'recurring-int-spec'),
      [MessageRequestedTopic.topic],
      { cipher },
    );
    db = new Client({ connectionString: database.url });
    await db.connect();
  });

  afterAll(async () => {
    await observer?.stop();
    await Promise.all(routers.map((router) => router.close()));
    await cipher?.close();
    await db?.end();
    await broker?.stop();
    await database?.drop();
  });

  const requested = () => observer.payloads<MessageRequested>(MessageRequestedTopic.topic);
  const runsOf = (schedule: ScheduleView) =>
    requested().filter(
      (request) =>
        'data' in request.content &&
        'data' in schedule.message.content &&
        request.content.data.tag === schedule.message.content.data.tag,
    );

  async function call(
    method: string,
    path: string,
    body?: unknown,
    tenantId = 'acme',
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests assert on answers field by field
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(`${routers[0].url}/internal/tenants/${tenantId}/schedules${path}`, {
      method,
      headers: {
        ...serviceAuthorization('router'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
  }

  /** Each schedule's message carries a tag of its own, so its runs can be told apart on the topic. */
  async function createSchedule(overrides: Record<string, unknown> = {}): Promise<ScheduleView> {
    const tagged = { ...message, content: { ...message.content, data: { tag: randomUUID() } } };
    const created = await call('POST', '', {
      cron: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      message: tagged,
      ...overrides,
    });
    expect(created.status).toBe(201);
    return created.body;
  }

  /** Makes a schedule's next run due `secondsAgo` ago, as if the router had been down since. */
  async function makeDue(id: string, secondsAgo: number): Promise<Date> {
    const result = await db.query(
      `UPDATE router.recurring_schedules SET next_run_at = date_trunc('second', now()) - make_interval(secs => $2)
       WHERE id = $1 RETURNING next_run_at`,
      [id, secondsAgo],
    );
    return result.rows[0].next_run_at;
  }

  async function row(id: string) {
    const result = await db.query(
      'SELECT next_run_at, last_run_at, skipped_runs FROM router.recurring_schedules WHERE id = $1',
      [id],
    );
    return result.rows[0] as { next_run_at: Date; last_run_at: Date | null; skipped_runs: number };
  }

  it('creates a schedule that lists its next five runs in its zone, and refuses a bad cron naming the field', async () => {
    const schedule = await createSchedule({ name: 'morning digest' });

    expect(schedule).toMatchObject({
      name: 'morning digest',
      cron: '0 9 * * *',
      timeZone: 'Europe/Berlin',
      status: 'active',
      toleranceSeconds: 3600,
      lastRunAt: null,
      skippedRuns: 0,
      message: { ...message, content: { ...message.content, data: { tag: expect.any(String) } } },
    });
    expect(schedule.nextRuns).toHaveLength(5);
    for (const run of schedule.nextRuns) {
      const wallClock = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/Berlin',
        hour: '2-digit',
        minute: '2-digit',
      }).format(new Date(run));
      expect(wallClock).toBe('09:00');
    }
    expect((await call('GET', `/${schedule.id}`)).body).toEqual(schedule);
    expect((await call('GET', '')).body.schedules).toContainEqual(schedule);

    const refused = await call('POST', '', { cron: '61 9 * * *', timeZone: 'Mars/Olympus', message });
    expect(refused.status).toBe(400);
    expect(refused.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['cron', 'timeZone']),
    );
    const sixFields = await call('POST', '', { cron: '0 0 9 * * *', timeZone: 'UTC', message });
    expect(sixFields.status).toBe(400);
  });

  it("keeps tenants apart: another tenant can neither read, change nor delete a tenant's schedule", async () => {
    const schedule = await createSchedule();

    expect((await call('GET', `/${schedule.id}`, undefined, 'globex')).status).toBe(404);
    expect((await call('PATCH', `/${schedule.id}`, { status: 'paused' }, 'globex')).status).toBe(404);
    expect((await call('DELETE', `/${schedule.id}`, undefined, 'globex')).status).toBe(404);
    expect((await call('GET', '', undefined, 'globex')).body.schedules).not.toContainEqual(
      expect.objectContaining({ id: schedule.id }),
    );
    expect((await call('GET', `/${schedule.id}`)).body.status).toBe('active');
  });

  it('two replicas racing on the same due schedules send every run exactly once', async () => {
    // Two use cases on separate connection pools, at a clock far ahead of the live pollers, so only they see these runs.
    const sources: DataSource[] = [0, 1].map(() =>
      createDataSource({ url: database.url, schema: 'router', entities: [], migrations: [] }),
    );
    await Promise.all(sources.map((source) => source.initialize()));
    try {
      const now = new Date('2100-01-01T00:00:00.000Z');
      const dueAt = new Date('2099-12-31T23:59:00.000Z');
      // At that clock every other schedule's run would be due (and skipped as too late): leave only these.
      await db.query('DELETE FROM router.recurring_schedules');
      const ids = Array.from({ length: 60 }, () => randomUUID());
      await db.query(
        `INSERT INTO router.recurring_schedules
           (id, tenant_id, cron, time_zone, message, tolerance_seconds, status, next_run_at, created_at, updated_at)
         SELECT id, 'racing', '* * * * *', 'UTC', $2, 3600, 'active', $3, now(), now() FROM unnest($1::uuid[]) AS id`,
        [ids, JSON.stringify(message), dueAt],
      );
      const sinks = [new RecordingEventSink(), new RecordingEventSink()];
      const replicas = sources.map(
        (source, index) =>
          new FireDueRecurringSchedules(
            new RecurringScheduleRepository(source, routers[0].app.get(RoutingEncryption)),
            sinks[index],
            () => now,
            7,
          ),
      );

      await Promise.all(
        replicas.map(async (replica) => {
          while ((await replica.execute()).claimed > 0);
        }),
      );

      const sent = sinks.flatMap((sink) => sink.on(MessageRequestedTopic));
      expect(sent.map((request) => request.messageId).sort()).toEqual(
        ids.map((id) => occurrenceMessageId(id, dueAt)).sort(),
      );
      // Both took a share: the race was real, and neither sent what the other claimed.
      expect(sinks.every((sink) => sink.on(MessageRequestedTopic).length > 0)).toBe(true);
      const advanced = await db.query(
        `SELECT DISTINCT next_run_at, last_run_at FROM router.recurring_schedules WHERE tenant_id = 'racing'`,
      );
      expect(advanced.rows).toEqual([
        { next_run_at: new Date('2100-01-01T00:01:00.000Z'), last_run_at: dueAt },
      ]);
    } finally {
      await db.query(`DELETE FROM router.recurring_schedules WHERE tenant_id = 'racing'`);
      await Promise.all(sources.map((source) => source.destroy()));
    }
  });

  it('after a restart of two replicas, a run missed within the tolerance is sent once and one beyond it is skipped', async () => {
    const missed = await createSchedule({ cron: '* * * * *', timeZone: 'UTC' });
    const tooLate = await createSchedule({ cron: '* * * * *', timeZone: 'UTC', toleranceSeconds: 600 });
    await Promise.all(routers.map((router) => router.close()));
    routers = [];
    // Down for a while: five runs of the every-minute schedule have passed, the other's last ten minutes ago and more.
    const missedRunAt = await makeDue(missed.id, 300);
    await makeDue(tooLate.id, 3600);

    routers = await Promise.all([startReplica(), startReplica()]);

    const advanced = await waitFor('the missed run to be sent', async () => {
      const current = await row(missed.id);
      return current.last_run_at !== null && current;
    });
    expect(advanced.last_run_at).toEqual(missedRunAt);
    expect(advanced.next_run_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
    const runs = await waitFor('the run on the requested topic', () => {
      const found = requested().filter(
        (request) => request.messageId === occurrenceMessageId(missed.id, missedRunAt),
      );
      return found.length > 0 && found;
    });
    expect(runs).toEqual([
      {
        ...missed.message,
        tenantId: 'acme',
        messageId: occurrenceMessageId(missed.id, missedRunAt),
        acceptedAt: expect.any(String),
        source: 'http',
      },
    ]);

    const skipped = await waitFor('the late run to be skipped', async () => {
      const current = await row(tooLate.id);
      return current.skipped_runs === 1 && current;
    });
    expect(skipped.last_run_at).toBeNull();
    expect(skipped.next_run_at.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Not once per missed run, and not once per replica.
    expect(runsOf(missed)).toHaveLength(1);
    expect(runsOf(tooLate)).toEqual([]);
    expect((await call('GET', `/${tooLate.id}`)).body).toMatchObject({ skippedRuns: 1, lastRunAt: null });
    await call('DELETE', `/${missed.id}`);
    await call('DELETE', `/${tooLate.id}`);
  });

  it('a paused schedule does not send its runs; resumed, it sends again from the next run', async () => {
    const paused = await createSchedule({ cron: '* * * * *', timeZone: 'UTC' });
    const sentinel = await createSchedule({ cron: '* * * * *', timeZone: 'UTC' });

    const pausing = await call('PATCH', `/${paused.id}`, { status: 'paused' });
    expect(pausing.status).toBe(200);
    expect(pausing.body).toMatchObject({ status: 'paused', nextRuns: [] });
    await makeDue(paused.id, 30);
    const sentinelRunAt = await makeDue(sentinel.id, 30);

    // The sentinel was due at the same time: once it has been sent, the paused one would have been too.
    await waitFor('the active schedule to send its run', () =>
      requested().some((request) => request.messageId === occurrenceMessageId(sentinel.id, sentinelRunAt)),
    );
    expect(runsOf(paused)).toEqual([]);
    expect((await row(paused.id)).last_run_at).toBeNull();

    const resumed = await call('PATCH', `/${paused.id}`, { status: 'active' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('active');
    expect(resumed.body.nextRuns).toHaveLength(5);
    // Runs that passed while paused are not sent: the next is after now.
    expect(Date.parse(resumed.body.nextRuns[0])).toBeGreaterThan(Date.now() - 1000);
    const resumedRunAt = await makeDue(paused.id, 1);
    await waitFor('the resumed schedule to send its run', () =>
      requested().some((request) => request.messageId === occurrenceMessageId(paused.id, resumedRunAt)),
    );
    expect(runsOf(paused).map((request) => request.messageId)).toEqual([
      occurrenceMessageId(paused.id, resumedRunAt),
    ]);
  });

  it('changes the cron and zone of a schedule, and deletes it', async () => {
    const schedule = await createSchedule();

    const changed = await call('PATCH', `/${schedule.id}`, {
      cron: '30 2 * * *',
      timeZone: 'America/New_York',
    });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ cron: '30 2 * * *', timeZone: 'America/New_York' });
    expect(changed.body.nextRuns).not.toEqual(schedule.nextRuns);
    expect((await call('PATCH', `/${schedule.id}`, {})).status).toBe(400);

    expect((await call('DELETE', `/${schedule.id}`)).status).toBe(204);
    expect((await call('GET', `/${schedule.id}`)).status).toBe(404);
    expect((await call('DELETE', `/${schedule.id}`)).status).toBe(404);
  });
});
