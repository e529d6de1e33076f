import { randomUUID } from 'node:crypto';
import {
  DeliveryEventTopic,
  EmailDispatchTopics,
  InappChannelTopics,
  PushChannelTopics,
  RenderRequestedTopic,
  SmsChannelTopics,
  type DeliveryEvent,
  type EmailDispatch,
  type InappDispatch,
  type PushDispatch,
  type RenderRequested,
  type SmsDispatch,
} from '@switchboard/contracts';
import { connectPayloadCipher, type StandalonePayloadCipher } from '@switchboard/encryption';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { LOG_LINE_LIMIT, StructuredLogger } from '@switchboard/telemetry';
import {
  createTestBroker,
  createTestDatabase,
  observeTopics,
  type TestBroker,
  type TestDatabase,
  testKafka,
  type TopicObserver,
  waitFor,
  TEST_ENCRYPTION_VARIABLES,
  TEST_SERVICE_TOKEN_SECRETS,
  serviceAuthorization,
} from '@switchboard/testing';
import { Client } from 'pg';
import { loadTemplateConfig } from '../src/config';
import { FAILURE_REASON_LIMIT } from '../src/rendering/render-message.usecase';
import { startTemplateService } from '../src/template-service';

type EmailRenderRequest = Extract<RenderRequested, { channel: 'email' }>;

const mjml = (text: string) =>
  `<mjml><mj-body><mj-section><mj-column><mj-text>${text}</mj-text></mj-column></mj-section></mj-body></mjml>`;

describe('template service', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;
  let cipher: StandalonePayloadCipher;
  const logLines: string[] = [];

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('template_int')]);
    const config = loadTemplateConfig({
      ...broker.serviceVariables,
      DATABASE_URL: database.url,
      PORT: '0',
      SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
      ...TEST_ENCRYPTION_VARIABLES,
      LOG_LEVEL: 'warn',
    });
    // Warnings are kept for the assertions on log lines; errors are still printed, as before.
    const logger = new StructuredLogger('template', 'warn', {
      sink: (line) => {
        logLines.push(line);
        if (!line.includes('"level":"warn"')) process.stdout.write(`${line}\n`);
      },
    });
    service = await startTemplateService(config, logger);
    cipher = await connectPayloadCipher(database.url, TEST_ENCRYPTION_VARIABLES);
    // Render requests go in sealed, as the router writes them.
    publisher = new EventPublisher(createKafka({ brokers: broker.brokers, clientId: 'template-int-spec' }), {
      cipher: cipher.cipher,
    });
    await publisher.connect();
    observer = await observeTopics(
      testKafka(broker.brokers),
      [
        EmailDispatchTopics.high.topic,
        EmailDispatchTopics.normal.topic,
        EmailDispatchTopics.bulk.topic,
        SmsChannelTopics.lanes.high.topic,
        PushChannelTopics.lanes.normal.topic,
        InappChannelTopics.lanes.bulk.topic,
        DeliveryEventTopic.topic,
      ],
      { cipher },
    );
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await cipher?.close();
    await broker?.stop();
    await database?.drop();
  });

  async function call(method: 'GET' | 'POST', path: string, body?: unknown) {
    const response = await fetch(`${service.url}/internal/tenants/${path}`, {
      method,
      headers: {
        ...serviceAuthorization('template'),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- assertions read the answer field by field
      body: (await response.json()) as any,
    };
  }

  function renderRequest(overrides: Partial<EmailRenderRequest>): EmailRenderRequest {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      channel: 'email',
      address: `ada-${randomUUID()}@example.com`,
      priority: 'normal',
      content: { templateKey: 'order-shipped', data: { name: 'Ada' } },
      ...overrides,
    };
  }

  const eventsOf = (messageId: string) =>
    observer
      .payloads<DeliveryEvent>(DeliveryEventTopic.topic)
      .filter((event) => event.messageId === messageId);
  const dispatchOf = (lane: 'high' | 'normal' | 'bulk', messageId: string) =>
    observer
      .payloads<EmailDispatch>(EmailDispatchTopics[lane].topic)
      .find((email) => email.messageId === messageId);
  /** The dispatch as it was written on the topic, personal fields sealed. */
  const writtenDispatchOf = (topic: string, messageId: string) =>
    JSON.stringify(
      observer
        .records(topic)
        .find((record) => (record.value as { messageId?: string }).messageId === messageId)?.written,
    );

  let acceptedWhileVersionOne: string;

  it('creates a template at version 1 and refuses a second one with the same key', async () => {
    const created = await call('POST', 'acme/templates', {
      key: 'order-shipped',
      name: 'Order shipped',
      subject: 'Shipped: {{ name }}',
      mjml: mjml('Hello {{ name }}, this is version one'),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      key: 'order-shipped',
      name: 'Order shipped',
      channel: 'email',
      currentVersion: 1,
      versions: [{ version: 1, subject: 'Shipped: {{ name }}' }],
    });
    acceptedWhileVersionOne = new Date().toISOString();

    const duplicate = await call('POST', 'acme/templates', {
      key: 'order-shipped',
      name: 'Again',
      subject: 'x',
      mjml: mjml('x'),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.type).toContain('application/problem+json');
    expect(duplicate.body).toMatchObject({ code: 'TEMPLATE_KEY_TAKEN' });
  });

  it('refuses MJML that does not compile with 422 naming the problem, and a bad body with 400', async () => {
    const invalid = await call('POST', 'acme/templates', {
      key: 'broken',
      name: 'Broken',
      subject: 'x',
      mjml: '<mjml><mj-body><mj-section><mj-text>loose</mj-text></mj-section></mj-body></mjml>',
    });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors).toEqual([
      { field: 'mjml', problem: expect.stringContaining('mj-text cannot be used inside mj-section') },
    ]);
    expect((await call('GET', 'acme/templates/broken')).status).toBe(404);

    const badBody = await call('POST', 'acme/templates', { key: 'Not A Key', name: 'x' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.errors.map((error: { field: string }) => error.field)).toEqual(
      expect.arrayContaining(['key', 'subject', 'mjml']),
    );
  });

  it('numbers new versions one after another, also when they arrive at once', async () => {
    await waitFor(
      'the clock to pass the first acceptance time',
      () => Date.now() > Date.parse(acceptedWhileVersionOne),
    );
    const second = await call('POST', 'acme/templates/order-shipped/versions', {
      subject: 'On its way: {{ name }}',
      mjml: mjml('Hello {{ name }}, this is version two'),
    });
    expect(second.status).toBe(201);
    expect(second.body).toMatchObject({ currentVersion: 2 });

    const concurrent = await Promise.all(
      [3, 4, 5, 6].map((n) =>
        call('POST', 'acme/templates/order-shipped/versions', {
          subject: 'On its way: {{ name }}',
          mjml: mjml(`Hello {{ name }}, this is a later version (${n})`),
        }),
      ),
    );
    expect(concurrent.map((answer) => answer.status)).toEqual([201, 201, 201, 201]);

    const template = await call('GET', 'acme/templates/order-shipped');
    expect(template.body.versions.map((version: { version: number }) => version.version)).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect(template.body.currentVersion).toBe(6);
  });

  it("lists the tenant's templates only, and hides them from other tenants", async () => {
    const list = await call('GET', 'acme/templates');
    expect(list.status).toBe(200);
    expect(list.body.templates).toEqual([
      expect.objectContaining({ key: 'order-shipped', currentVersion: 6 }),
    ]);
    expect((await call('GET', 'globex/templates')).body).toEqual({ templates: [] });
    expect((await call('GET', 'globex/templates/order-shipped')).status).toBe(404);
    expect(
      (await call('POST', 'globex/templates/order-shipped/versions', { subject: 'x', mjml: mjml('x') }))
        .status,
    ).toBe(404);
  });

  it('renders each message with the version current when it was accepted, escaped, to the lane of its priority', async () => {
    const early = renderRequest({
      acceptedAt: acceptedWhileVersionOne,
      priority: 'high',
      content: { templateKey: 'order-shipped', data: { name: '<b>Ada</b> & "friends"' } },
    });
    const late = renderRequest({ priority: 'bulk' });
    await publisher.publishMany(RenderRequestedTopic.topic, [early, late]);

    const earlyEmail = await waitFor('the early message to be dispatched', () =>
      dispatchOf('high', early.messageId),
    );
    expect(earlyEmail).toMatchObject({
      to: early.address,
      subject: 'Shipped: <b>Ada</b> & "friends"',
      template: { key: 'order-shipped', version: 1 },
    });
    expect(earlyEmail.html).toContain(
      'Hello &lt;b&gt;Ada&lt;/b&gt; &amp; &quot;friends&quot;, this is version one',
    );
    expect(earlyEmail.text).toContain('Hello <b>Ada</b> & "friends", this is version one');
    // Whoever reads the topic without the data key sees neither the address nor the email.
    const written = writtenDispatchOf(EmailDispatchTopics.high.topic, early.messageId);
    expect(written).toContain(early.messageId);
    expect(written).not.toContain(early.address);
    expect(written).not.toContain('version one');

    const lateEmail = await waitFor('the late message to be dispatched', () =>
      dispatchOf('bulk', late.messageId),
    );
    expect(lateEmail.template).toEqual({ key: 'order-shipped', version: 6 });
    // Versions 3-6 were created concurrently, so which text became version 6 is up to the race.
    const versions = (await call('GET', 'acme/templates/order-shipped')).body.versions as Array<{
      version: number;
      mjml: string;
    }>;
    const latestText = /this is a later version \(\d\)/.exec(
      versions.find((version) => version.version === 6)?.mjml ?? '',
    )?.[0];
    expect(latestText).toBeDefined();
    expect(lateEmail.html).toContain(`Hello Ada, ${latestText}`);

    await waitFor(
      'rendered events',
      () => eventsOf(early.messageId).length > 0 && eventsOf(late.messageId).length > 0,
    );
    expect(eventsOf(early.messageId)).toEqual([
      expect.objectContaining({
        type: 'rendered',
        source: 'template',
        channel: 'email',
        detail: { templateKey: 'order-shipped', templateVersion: 1 },
      }),
    ]);
  });

  it('renders inline content to the normal lane', async () => {
    const inline = renderRequest({ content: { subject: 'Plain', text: 'Fish & chips' } });
    await publisher.publish(RenderRequestedTopic.topic, inline);
    const email = await waitFor('the inline message to be dispatched', () =>
      dispatchOf('normal', inline.messageId),
    );
    expect(email).toMatchObject({ subject: 'Plain', text: 'Fish & chips' });
    expect(email.html).toContain('Fish &amp; chips');
  });

  it('reports a message it cannot render as failed, with the reason, and dispatches nothing', async () => {
    const missingVariable = renderRequest({ content: { templateKey: 'order-shipped', data: {} } });
    const unknownTemplate = renderRequest({ content: { templateKey: 'nope', data: {} } });
    const beforeTemplate = renderRequest({ acceptedAt: '2020-01-01T00:00:00.000Z' });
    const marker = renderRequest({ content: { subject: 'Marker', text: 'after the failures' } });
    await publisher.publishMany(RenderRequestedTopic.topic, [
      missingVariable,
      unknownTemplate,
      beforeTemplate,
      marker,
    ]);

    await waitFor('every failure to be reported', () =>
      [missingVariable, unknownTemplate, beforeTemplate].every(
        (request) => eventsOf(request.messageId).length > 0,
      ),
    );
    expect(eventsOf(missingVariable.messageId)).toEqual([
      expect.objectContaining({ type: 'failed', source: 'template', reason: 'missing variable name' }),
    ]);
    expect(eventsOf(unknownTemplate.messageId)).toEqual([
      expect.objectContaining({
        type: 'failed',
        reason: `template nope has no version at ${unknownTemplate.acceptedAt}`,
      }),
    ]);
    expect(eventsOf(beforeTemplate.messageId)).toEqual([
      expect.objectContaining({
        type: 'failed',
        reason: 'template order-shipped has no version at 2020-01-01T00:00:00.000Z',
      }),
    ]);

    await waitFor('the marker to be dispatched', () => dispatchOf('normal', marker.messageId));
    for (const request of [missingVariable, unknownTemplate, beforeTemplate]) {
      expect(dispatchOf('normal', request.messageId)).toBeUndefined();
    }
  });

  it('refuses a variable name of 150,000 characters with 400, naming the field and the line', async () => {
    const refused = await call('POST', 'acme/templates', {
      key: 'huge-variable',
      name: 'Huge variable',
      subject: 'Hello',
      mjml: mjml(`Hello\n{{ ${'a'.repeat(150_000)} }}`),
    });
    expect(refused.status).toBe(400);
    expect(refused.type).toContain('application/problem+json');
    expect(refused.body.errors).toEqual([
      {
        field: 'mjml',
        problem: `line 2: {{ ${'a'.repeat(24)}… }} is 150,000 characters long; a variable name is at most 128`,
      },
    ]);
    expect((await call('GET', 'acme/templates/huge-variable')).status).toBe(404);

    const newVersion = await call('POST', 'acme/templates/order-shipped/versions', {
      sms: { text: `Hi {{ customer.${'n'.repeat(65)} }}` },
    });
    expect(newVersion.status).toBe(400);
    expect(newVersion.body.errors).toEqual([
      { field: 'sms.text', problem: expect.stringContaining('each part of a variable name is at most 64') },
    ]);
  });

  // The incident: a template stored before names were limited, each message using it without data.
  it('fails messages of a stored template with a 150,000-character variable fast, with bounded reasons and log lines, and renders the others', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const templateId = randomUUID();
      await client.query(
        `INSERT INTO template.templates (id, tenant_id, key, name, channel, created_at)
         VALUES ($1, 'initech', 'stored-before-limits', 'Stored before limits', 'email', now() - interval '1 hour')`,
        [templateId],
      );
      await client.query(
        `INSERT INTO template.template_versions (template_id, version, subject, mjml, created_at)
         VALUES ($1, 1, 'Hello', $2, now() - interval '1 hour')`,
        [templateId, mjml(`Hello {{ ${'a'.repeat(150_000)} }}`)],
      );
    } finally {
      await client.end();
    }
    const failing = [1, 2, 3, 4].map(() =>
      renderRequest({ tenantId: 'initech', content: { templateKey: 'stored-before-limits', data: {} } }),
    );
    const other = renderRequest({});
    await publisher.publishMany(RenderRequestedTopic.topic, [...failing, other]);

    await waitFor('the other message to be dispatched', () => dispatchOf('normal', other.messageId));
    await waitFor('every failure to be reported', () =>
      failing.every((request) => eventsOf(request.messageId).length > 0),
    );
    for (const request of failing) {
      const [event, ...more] = eventsOf(request.messageId);
      expect(more).toEqual([]);
      expect(event).toMatchObject({
        type: 'failed',
        source: 'template',
        reason: expect.stringMatching(/^missing variable a+…\[\+149,\d{3} characters\]$/),
      });
      expect(event.reason?.length).toBeLessThanOrEqual(FAILURE_REASON_LIMIT);
      expect(dispatchOf('normal', request.messageId)).toBeUndefined();
    }
    const failureLines = await waitFor('a log line for each failure', () => {
      const lines = logLines.filter((line) => failing.some((request) => line.includes(request.messageId)));
      return lines.length === failing.length && lines;
    });
    for (const line of failureLines) {
      expect(line.length).toBeLessThanOrEqual(LOG_LINE_LIMIT);
      expect(JSON.parse(line)).toMatchObject({
        level: 'warn',
        message: 'message cannot be rendered',
        tenantId: 'initech',
        reason: expect.stringMatching(/^missing variable a+…\[\+149,\d{3} characters\]$/),
      });
    }
  });

  it('keeps a part for every channel and lists its channels in the order email, push, inapp, sms', async () => {
    const created = await call('POST', 'acme/templates', {
      key: 'sign-in-code',
      name: 'Sign-in code',
      sms: { text: 'Hi {{ name }},\nyour code is {{ code }}' },
      inapp: { title: 'Your code', body: '{{ name }}: {{ code }}', actionUrl: 'https://shop.example/codes' },
      push: {
        title: 'Code for {{ name }}',
        body: 'It is {{ code }}',
        url: 'https://shop.example/c/{{ code }}',
      },
      subject: 'Your code, {{ name }}',
      mjml: mjml('Your code is {{ code }}'),
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      channel: 'email',
      channels: ['email', 'push', 'inapp', 'sms'],
      versions: [
        {
          version: 1,
          channels: ['email', 'push', 'inapp', 'sms'],
          sms: { text: 'Hi {{ name }},\nyour code is {{ code }}' },
          push: { url: 'https://shop.example/c/{{ code }}' },
        },
      ],
    });

    const inappOnly = await call('POST', 'acme/templates', {
      key: 'reminder',
      name: 'Reminder',
      inapp: { title: 'Reminder', body: 'See you at {{ time }}' },
    });
    expect(inappOnly.body).toMatchObject({ channel: 'inapp', channels: ['inapp'] });
    const list = await call('GET', 'acme/templates');
    expect(list.body.templates).toEqual(
      expect.arrayContaining([expect.objectContaining({ key: 'reminder', channels: ['inapp'] })]),
    );

    const invalid = await call('POST', 'acme/templates/reminder/versions', {
      sms: { text: 'Hi {{ name' },
      push: { title: '', body: 'x' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { field: string }) => error.field)).toEqual(['push.title']);
    const malformed = await call('POST', 'acme/templates/reminder/versions', { sms: { text: 'Hi {{ name' } });
    expect(malformed.status).toBe(422);
    expect(malformed.body.errors).toEqual([
      { field: 'sms.text', problem: expect.stringContaining('is not a variable') },
    ]);
  });

  it('renders SMS, push and in-app messages from their parts, each to the lane of its priority', async () => {
    const base = {
      tenantId: 'acme',
      acceptedAt: new Date().toISOString(),
      content: { templateKey: 'sign-in-code', data: { name: 'Ada & <Bob>', code: '123456' } },
    };
    const subscription = { endpoint: 'https://push.example/s/1', keys: { p256dh: 'BKey', auth: 'secret' } };
    const sms: RenderRequested = {
      ...base,
      messageId: randomUUID(),
      channel: 'sms',
      address: '+14155550123',
      priority: 'high',
    };
    const push: RenderRequested = {
      ...base,
      messageId: randomUUID(),
      channel: 'push',
      address: 'user-1',
      pushSubscriptions: [subscription],
      priority: 'normal',
    };
    const inapp: RenderRequested = {
      ...base,
      messageId: randomUUID(),
      channel: 'inapp',
      address: 'user-1',
      priority: 'bulk',
    };
    await publisher.publishMany(RenderRequestedTopic.topic, [sms, push, inapp]);

    const text = await waitFor('the SMS to be dispatched', () =>
      observer
        .payloads<SmsDispatch>(SmsChannelTopics.lanes.high.topic)
        .find((dispatch) => dispatch.messageId === sms.messageId),
    );
    expect(text).toMatchObject({ to: '+14155550123', text: 'Hi Ada & <Bob>,\nyour code is 123456' });
    const writtenText = writtenDispatchOf(SmsChannelTopics.lanes.high.topic, sms.messageId);
    expect(writtenText).not.toContain('+14155550123');
    expect(writtenText).not.toContain('your code is');
    const notification = await waitFor('the push to be dispatched', () =>
      observer
        .payloads<PushDispatch>(PushChannelTopics.lanes.normal.topic)
        .find((dispatch) => dispatch.messageId === push.messageId),
    );
    expect(notification).toMatchObject({
      recipientId: 'user-1',
      subscriptions: [subscription],
      notification: {
        title: 'Code for Ada & <Bob>',
        body: 'It is 123456',
        url: 'https://shop.example/c/123456',
      },
    });
    const item = await waitFor('the inbox item to be dispatched', () =>
      observer
        .payloads<InappDispatch>(InappChannelTopics.lanes.bulk.topic)
        .find((dispatch) => dispatch.messageId === inapp.messageId),
    );
    expect(item).toMatchObject({
      recipientId: 'user-1',
      title: 'Your code',
      body: 'Ada & <Bob>: 123456',
      actionUrl: 'https://shop.example/codes',
    });

    await waitFor('rendered events', () =>
      [sms, push, inapp].every((request) => eventsOf(request.messageId).length > 0),
    );
    for (const request of [sms, push, inapp]) {
      expect(eventsOf(request.messageId)).toEqual([
        expect.objectContaining({
          type: 'rendered',
          channel: request.channel,
          detail: { templateKey: 'sign-in-code', templateVersion: 1 },
        }),
      ]);
    }
  });

  it('reports a message for a channel its template has no part for as failed, and dispatches nothing', async () => {
    const request: RenderRequested = {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      channel: 'sms',
      address: '+14155550199',
      priority: 'high',
      content: { templateKey: 'reminder', data: { time: '5 pm' } },
    };
    const marker: RenderRequested = {
      ...request,
      messageId: randomUUID(),
      content: { subject: 'Marker', text: 'after the failure' },
    };
    await publisher.publishMany(RenderRequestedTopic.topic, [request, marker]);

    await waitFor('the failure to be reported', () => eventsOf(request.messageId).length > 0);
    expect(eventsOf(request.messageId)).toEqual([
      expect.objectContaining({
        type: 'failed',
        source: 'template',
        channel: 'sms',
        reason: 'template reminder version 1 has no sms part',
      }),
    ]);
    const smsLane = () => observer.payloads<SmsDispatch>(SmsChannelTopics.lanes.high.topic);
    await waitFor('the marker to be dispatched', () =>
      smsLane().find((dispatch) => dispatch.messageId === marker.messageId),
    );
    expect(smsLane().find((dispatch) => dispatch.messageId === request.messageId)).toBeUndefined();
  });

  it('answers readiness once Kafka, the database and the consumer are up', async () => {
    const ready = await waitFor('readiness', async () => {
      const response = await fetch(`${service.url}/health/ready`);
      return response.status === 200 && ((await response.json()) as unknown);
    });
    expect(ready).toEqual({ status: 'ready', checks: { kafka: 'up', database: 'up', consumer: 'up' } });
  });
});
