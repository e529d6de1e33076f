import { DependencyUnavailableError, isInfrastructureFault } from './infrastructure-fault';

function withCode(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

function kafkaError(name: string, retriable: boolean, originalError?: Error): Error {
  return Object.assign(new Error(name), { name, retriable, originalError });
}

describe('isInfrastructureFault', () => {
  it('recognises a refused, reset or unreachable connection, however deeply it is wrapped', () => {
    expect(isInfrastructureFault(withCode('ECONNREFUSED'))).toBe(true);
    expect(isInfrastructureFault(withCode('ECONNRESET'))).toBe(true);
    expect(isInfrastructureFault(new TypeError('fetch failed', { cause: withCode('UND_ERR_SOCKET') }))).toBe(
      true,
    );
    // Node's net module tries every address of a host and throws them all together.
    expect(
      isInfrastructureFault(new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], '')),
    ).toBe(true);
  });

  it('recognises PostgreSQL shutting down, starting, out of connections or cut off', () => {
    expect(
      isInfrastructureFault(withCode('57P01', 'terminating connection due to administrator command')),
    ).toBe(true);
    expect(isInfrastructureFault(withCode('57P03', 'the database system is starting up'))).toBe(true);
    expect(isInfrastructureFault(withCode('53300', 'sorry, too many clients already'))).toBe(true);
    expect(isInfrastructureFault(withCode('08006'))).toBe(true);
    expect(isInfrastructureFault(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isInfrastructureFault(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isInfrastructureFault(new Error('Query read timeout'))).toBe(true);
    // TypeORM's QueryFailedError keeps the driver's error beside its own message.
    const queryFailed = Object.assign(new Error('query failed'), {
      name: 'QueryFailedError',
      driverError: withCode('57P01'),
    });
    expect(isInfrastructureFault(queryFailed)).toBe(true);
  });

  it('recognises kafkajs failing to reach the cluster, and the protocol errors it marks retriable', () => {
    expect(isInfrastructureFault(kafkaError('KafkaJSConnectionError', true))).toBe(true);
    expect(isInfrastructureFault(kafkaError('KafkaJSNumberOfRetriesExceeded', false))).toBe(true);
    expect(isInfrastructureFault(kafkaError('KafkaJSProtocolError', true))).toBe(true);
    expect(
      isInfrastructureFault(
        kafkaError('KafkaJSNonRetriableError', false, kafkaError('KafkaJSConnectionError', true)),
      ),
    ).toBe(true);
  });

  it('takes our own marker', () => {
    expect(isInfrastructureFault(new DependencyUnavailableError('template', 'answered 503'))).toBe(true);
  });

  it('does not take bad input, bad SQL, a bad password or a bug for an outage', () => {
    expect(isInfrastructureFault(withCode('22P05', 'unsupported Unicode escape sequence'))).toBe(false);
    expect(isInfrastructureFault(withCode('23505', 'duplicate key value violates unique constraint'))).toBe(
      false,
    );
    expect(isInfrastructureFault(withCode('42P01', 'relation "x" does not exist'))).toBe(false);
    expect(isInfrastructureFault(withCode('28P01', 'password authentication failed'))).toBe(false);
    expect(isInfrastructureFault(withCode('40P01', 'deadlock detected'))).toBe(false);
    expect(isInfrastructureFault(kafkaError('KafkaJSProtocolError', false))).toBe(false);
    expect(isInfrastructureFault(new RangeError('Maximum call stack size exceeded'))).toBe(false);
    expect(isInfrastructureFault(new TypeError("Cannot read properties of undefined (reading 'x')"))).toBe(
      false,
    );
    expect(isInfrastructureFault('ECONNREFUSED')).toBe(false);
    expect(isInfrastructureFault(undefined)).toBe(false);
  });

  it('stops on a cycle of causes', () => {
    const first = new Error('first');
    const second = new Error('second', { cause: first });
    (first as { cause?: unknown }).cause = second;
    expect(isInfrastructureFault(first)).toBe(false);
  });
});
