import type { Producer } from 'kafkajs';
import {
  connectProducer,
  createTestBroker,
  observeTopics,
  testKafka,
  waitFor,
  type TestBroker,
  type TopicObserver,
} from '../src';

describe('observeTopics', () => {
  let broker: TestBroker;
  let producer: Producer;
  let observer: TopicObserver;

  beforeAll(async () => {
    broker = await createTestBroker();
    const kafka = testKafka(broker.brokers);
    producer = await connectProducer(kafka);
    // Written before the observer subscribes: it must still read from the beginning.
    await producer.send({
      topic: 'sb.testing.observed.v1',
      messages: [{ key: 'tenant-1:ada', value: '{"n":1}', headers: { 'sb-tenant': 'tenant-1' } }],
    });
    observer = await observeTopics(kafka, ['sb.testing.observed.v1', 'sb.testing.other.v1']);
  });
  afterAll(async () => {
    await observer?.stop();
    await producer?.disconnect();
    await broker?.stop();
  });

  it('records key, headers, position and parsed JSON of records sent before and after it started', async () => {
    await producer.send({ topic: 'sb.testing.observed.v1', messages: [{ key: null, value: '{"n":2}' }] });

    const records = await waitFor('two observed records', () => {
      const seen = observer.records('sb.testing.observed.v1');
      return seen.length >= 2 ? seen : undefined;
    });

    expect(records[0]).toEqual({
      topic: 'sb.testing.observed.v1',
      partition: 0,
      offset: '0',
      key: 'tenant-1:ada',
      value: { n: 1 },
      // No cipher given: the value is seen as written.
      written: { n: 1 },
      headers: { 'sb-tenant': 'tenant-1' },
    });
    expect(records[1]).toMatchObject({ offset: '1', key: null, value: { n: 2 }, headers: {} });
    expect(observer.payloads<{ n: number }>('sb.testing.observed.v1')).toEqual([{ n: 1 }, { n: 2 }]);
  });

  it('keeps a value that is not JSON as text and separates topics', async () => {
    await producer.send({ topic: 'sb.testing.other.v1', messages: [{ value: 'not json {' }] });

    const payloads = await waitFor('the text record', () => {
      const seen = observer.payloads<string>('sb.testing.other.v1');
      return seen.length > 0 ? seen : undefined;
    });

    expect(payloads).toEqual(['not json {']);
    expect(observer.payloads('sb.testing.observed.v1')).not.toContain('not json {');
  });
});
