import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { resolveConsumerOptions } from './consumer/consumer-options';
import {
  consumerTimingsOf,
  createKafka,
  kafkaSecurityOptions,
  kafkaSettingsFromConfig,
  routeKafkaLogs,
  type KafkaConnectionConfig,
} from './kafka';
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

describe('kafkaSecurityOptions', () => {
  const CA = '-----BEGIN CERTIFICATE-----\nca\n-----END CERTIFICATE-----\n';

  it('gives no ssl and no sasl when neither is asked for, as the embedded broker speaks', () => {
    expect(kafkaSecurityOptions({})).toEqual({});
  });

  it('maps TLS settings to kafkajs ssl options that always verify the broker', () => {
    expect(kafkaSecurityOptions({ tls: {} })).toEqual({ ssl: { rejectUnauthorized: true } });
    expect(
      kafkaSecurityOptions({
        tls: { ca: CA, cert: 'client-cert', key: 'client-key', serverName: 'kafka.internal' },
      }),
    ).toEqual({
      ssl: {
        rejectUnauthorized: true,
        ca: CA,
        cert: 'client-cert',
        key: 'client-key',
        servername: 'kafka.internal',
      },
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'] as const)(
    'maps SASL %s to kafkajs sasl',
    (mechanism) => {
      expect(
        kafkaSecurityOptions({ tls: {}, sasl: { mechanism, username: 'sb', password: 'pa55' } }),
      ).toEqual({
        ssl: { rejectUnauthorized: true },
        sasl: { mechanism, username: 'sb', password: 'pa55' },
      });
    },
  );

  it.each([
    [{ tls: { cert: 'c' } }, 'kafka.tls.cert and kafka.tls.key go together: give both or neither'],
    [{ tls: { key: 'k' } }, 'kafka.tls.cert and kafka.tls.key go together: give both or neither'],
    [
      { sasl: { mechanism: 'gssapi', username: 'sb', password: 'pa55' } },
      'kafka.sasl.mechanism must be one of plain, scram-sha-256, scram-sha-512',
    ],
    [
      { sasl: { mechanism: 'scram-sha-256', username: '', password: 'pa55' } },
      'kafka.sasl.username is required',
    ],
    [
      { sasl: { mechanism: 'scram-sha-512', username: 'sb', password: '' } },
      'kafka.sasl.password is required',
    ],
    [{ sasl: { mechanism: 'plain', username: 'sb', password: 'pa55' } }, 'plain sends the password in clear'],
  ])('refuses %j, naming the setting and not the password', (settings, problem) => {
    const attempt = () => kafkaSecurityOptions(settings as never);

    expect(attempt).toThrow(problem);
    expect(attempt).not.toThrow('pa55');
  });

  it('is applied by createKafka, which refuses a half-given setting before any connection', () => {
    expect(() => createKafka({ brokers: ['127.0.0.1:9092'], clientId: 'test', tls: { key: 'k' } })).toThrow(
      'kafka.tls.cert and kafka.tls.key go together',
    );
  });
});

describe('kafkaSettingsFromConfig', () => {
  const plaintext: KafkaConnectionConfig = {
    KAFKA_BROKERS: ['kafka-1:9093'],
    KAFKA_COMPRESSION: 'zstd',
    KAFKA_TLS: false,
  };
  let directory: string;

  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'kafka-spec-'));
    writeFileSync(join(directory, 'ca.pem'), 'ca-pem');
    writeFileSync(join(directory, 'client.pem'), 'client-pem');
    writeFileSync(join(directory, 'client-key.pem'), 'client-key-pem');
  });

  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps a plaintext connection without TLS or SASL settings', () => {
    expect(kafkaSettingsFromConfig(plaintext, 'router')).toEqual({
      brokers: ['kafka-1:9093'],
      clientId: 'router',
      compression: 'zstd',
    });
  });

  it('gives every consumer on the client the configured fetch wait and heartbeat unless it sets its own', () => {
    const settings = kafkaSettingsFromConfig(
      { ...plaintext, KAFKA_FETCH_MAX_WAIT_MS: 250, KAFKA_HEARTBEAT_INTERVAL_MS: 500 },
      'router',
    );
    const kafka = createKafka(settings);
    expect(resolveConsumerOptions({ groupId: 'router' }, consumerTimingsOf(kafka))).toMatchObject({
      maxWaitTimeMs: 250,
      heartbeatIntervalMs: 500,
      holdDueWithinMs: 250,
    });
    expect(
      resolveConsumerOptions({ groupId: 'timeline', maxWaitTimeMs: 1000 }, consumerTimingsOf(kafka)),
    ).toMatchObject({ maxWaitTimeMs: 1000, heartbeatIntervalMs: 500 });
    const unconfigured = createKafka(kafkaSettingsFromConfig(plaintext, 'router'));
    expect(resolveConsumerOptions({ groupId: 'router' }, consumerTimingsOf(unconfigured))).toMatchObject({
      maxWaitTimeMs: 3000,
      heartbeatIntervalMs: 2000,
    });
  });

  it('reads the TLS files and carries the server name and SASL credentials', () => {
    const settings = kafkaSettingsFromConfig(
      {
        ...plaintext,
        KAFKA_TLS: true,
        KAFKA_TLS_CA_FILE: join(directory, 'ca.pem'),
        KAFKA_TLS_CERT_FILE: join(directory, 'client.pem'),
        KAFKA_TLS_KEY_FILE: join(directory, 'client-key.pem'),
        KAFKA_TLS_SERVER_NAME: 'kafka.internal',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'router',
        KAFKA_SASL_PASSWORD: 'pa55',
      },
      'router',
    );

    expect(settings.tls).toEqual({
      ca: 'ca-pem',
      cert: 'client-pem',
      key: 'client-key-pem',
      serverName: 'kafka.internal',
    });
    expect(settings.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'router', password: 'pa55' });
  });

  it('uses the system authorities when TLS is on without a CA file', () => {
    expect(kafkaSettingsFromConfig({ ...plaintext, KAFKA_TLS: true }, 'router').tls).toEqual({});
  });

  it('names the variable of a TLS file that cannot be read', () => {
    const missing = join(directory, 'gone.pem');

    expect(() =>
      kafkaSettingsFromConfig({ ...plaintext, KAFKA_TLS: true, KAFKA_TLS_CA_FILE: missing }, 'router'),
    ).toThrow(`KAFKA_TLS_CA_FILE: cannot read ${missing}: no such file`);
  });
});
