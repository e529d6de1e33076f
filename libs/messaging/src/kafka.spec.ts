import { logLevel } from 'kafkajs';
import { createKafka, routeKafkaLogs } from './kafka';
import type { MessagingLogFields, MessagingLogLevel } from './messaging-log';

describe('routeKafkaLogs', () => {
  it('passes kafkajs lines to the callback with their level and fields, without stack or timestamp', () => {
    const lines: Array<[MessagingLogLevel, string, MessagingLogFields | undefined]> = [];
    const write = routeKafkaLogs((level, message, fields) => lines.push([level, message, fields]))(
      logLevel.WARN,
    );
    write({
      namespace: 'Runner',
      level: logLevel.ERROR,
      label: 'ERROR',
      log: {
        message: 'Error when calling eachBatch',
        timestamp: '2026-03-01T10:00:00.000Z',
        logger: 'kafkajs',
        stack: 'Error: ...',
        groupId: 'router',
        error: new Error('boom'),
      } as never,
    });
    expect(lines).toEqual([
      ['error', 'Error when calling eachBatch', { namespace: 'Runner', groupId: 'router', error: 'boom' }],
    ]);
  });
});

describe('createKafka', () => {
  it('refuses an empty broker list', () => {
    expect(() => createKafka({ brokers: [], clientId: 'router' })).toThrow(
      'kafka.brokers must name at least one broker',
    );
  });
});
