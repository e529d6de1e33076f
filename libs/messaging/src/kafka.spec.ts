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

  it('writes a repeated line once per half minute, saying how many like it were left out', () => {
    let time = 0;
    const lines: Array<[string, MessagingLogFields | undefined]> = [];
    const write = routeKafkaLogs(
      (_level, message, fields) => lines.push([message, fields]),
      () => time,
    )(logLevel.WARN);
    const connectionError = (port: number) =>
      write({
        namespace: 'Connection',
        level: logLevel.ERROR,
        label: 'ERROR',
        log: {
          message: `Connection error: connect ECONNREFUSED 127.0.0.1:${port}`,
          timestamp: '',
          logger: 'kafkajs',
        },
      });

    connectionError(9092);
    for (let second = 1; second < 30; second++) {
      time = second * 1000;
      connectionError(9092);
    }
    time = 30_000;
    connectionError(9093);

    expect(lines).toEqual([
      ['Connection error: connect ECONNREFUSED 127.0.0.1:9092', { namespace: 'Connection' }],
      [
        'Connection error: connect ECONNREFUSED 127.0.0.1:9093',
        { namespace: 'Connection', similarLinesLeftOut: 29 },
      ],
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
