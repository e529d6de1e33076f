import { randomUUID } from 'node:crypto';
import {
  EmailDispatchTopics,
  type EmailDispatch,
  type PriorityName,
  type RenderRequested,
  renderRequestedTopicFor,
} from '@switchboard/contracts';
import { createKafka, EventPublisher } from '@switchboard/messaging';
import type { RunningService } from '@switchboard/service-kit';
import { StructuredLogger } from '@switchboard/telemetry';
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
} from '@switchboard/testing';
import { loadTemplateConfig } from '../src/config';
import { startTemplateService } from '../src/template-service';

describe('template priority lanes', () => {
  let broker: TestBroker;
  let database: TestDatabase;
  let service: RunningService;
  let publisher: EventPublisher;
  let observer: TopicObserver;

  beforeAll(async () => {
    [broker, database] = await Promise.all([createTestBroker(), createTestDatabase('template_lanes')]);
    service = await startTemplateService(
      loadTemplateConfig({
        ...broker.serviceVariables,
        DATABASE_URL: database.url,
        PORT: '0',
        SERVICE_TOKEN_SECRETS: TEST_SERVICE_TOKEN_SECRETS,
        ...TEST_ENCRYPTION_VARIABLES,
      }),
      new StructuredLogger('template', 'warn'),
    );
    publisher = new EventPublisher(
      createKafka({ brokers: broker.brokers, clientId: 'template-lanes-int-spec' }),
    );
    await publisher.connect();
    observer = await observeTopics(
      testKafka(broker.brokers),
      Object.values(EmailDispatchTopics).map(({ topic }) => topic),
    );
  });

  afterAll(async () => {
    await observer?.stop();
    await publisher?.disconnect();
    await service?.close();
    await broker?.stop();
    await database?.drop();
  });

  function renderRequest(priority: PriorityName): RenderRequested {
    return {
      tenantId: 'acme',
      messageId: randomUUID(),
      acceptedAt: new Date().toISOString(),
      channel: 'email',
      address: `ada-${randomUUID()}@example.com`,
      priority,
      content: { subject: `A ${priority} message`, text: 'Hello Ada' },
    };
  }

  const dispatchedOn = (lane: PriorityName) =>
    observer.payloads<EmailDispatch>(EmailDispatchTopics[lane].topic).map((email) => email.messageId);

  it('renders the requests of every render lane into the dispatch lane of their priority', async () => {
    const requests = (['high', 'normal', 'bulk'] as const).map(renderRequest);

    for (const request of requests)
      await publisher.publish(renderRequestedTopicFor(request.priority), request);

    await waitFor('every request rendered', () =>
      (['high', 'normal', 'bulk'] as const).every((lane) => dispatchedOn(lane).length === 1),
    );
    expect(requests.map((request) => dispatchedOn(request.priority))).toEqual(
      requests.map((request) => [request.messageId]),
    );
  });
});
