/**
 * Whether an error means a dependency (PostgreSQL, the Kafka broker, another service, the network)
 * is unavailable, rather than that the work itself is wrong. The two call for opposite answers:
 * an infrastructure fault is waited out (a consumer holds its partition and tries again, an HTTP
 * route answers 503 with Retry-After), never turned into a dead letter or a 500; any other error
 * is the message's own (retried a few times, then parked) or a bug.
 *
 * Errors are read by their fields, not by class: they come from pg, pg-pool, TypeORM, kafkajs,
 * undici and Node's net module, sometimes from another realm, often wrapped.
 */
export function isInfrastructureFault(error: unknown): boolean {
  return someCause(error, isOwnInfrastructureFault);
}

/** Marks an error of our own as an infrastructure fault (e.g. a dependency answered 503). */
export class DependencyUnavailableError extends Error {
  readonly infrastructureFault = true;

  constructor(
    readonly dependency: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DependencyUnavailableError';
  }
}

// Refused, reset, timed out, unreachable or not (yet) resolvable; undici spells its own.
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_CLOSED',
]);

// SQLSTATE: class 08 is "connection exception", class 53 "insufficient resources" (too many
// connections, disk full, out of memory), 57P01-57P03 the server shutting down, crashed or still
// starting, 57014 a statement cancelled by statement_timeout, class 58 an I/O error of the server.
const SQLSTATE_CLASSES = new Set(['08', '53', '58']);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57P05', '57014']);

// pg and pg-pool raise these without a code when a connection dies or cannot be had in time.
const DATABASE_CONNECTION_MESSAGES = [
  /connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /client has encountered a connection error/i,
  /query read timeout/i,
  /connection is not open/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
];

// kafkajs errors about reaching the cluster, whatever the request was.
const KAFKA_CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSNumberOfRetriesExceeded',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
  'KafkaJSTimeout',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
]);

const MAX_CAUSE_DEPTH = 6;

function isOwnInfrastructureFault(error: object): boolean {
  const record = error as Record<string, unknown>;
  if (record.infrastructureFault === true) return true;
  const code = record.code;
  if (typeof code === 'string') {
    if (NETWORK_ERROR_CODES.has(code) || SQLSTATES.has(code)) return true;
    if (/^[0-9A-Z]{5}$/.test(code) && SQLSTATE_CLASSES.has(code.slice(0, 2))) return true;
  }
  const name = typeof record.name === 'string' ? record.name : '';
  if (KAFKA_CONNECTION_ERRORS.has(name)) return true;
  // kafkajs marks the protocol errors a retry can cure (leader moved, coordinator loading, ...).
  if (name.startsWith('KafkaJS') && record.retriable === true) return true;
  const message = typeof record.message === 'string' ? record.message : '';
  return DATABASE_CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}

/** Walks an error and what it wraps: `cause`, kafkajs' `originalError`, TypeORM's `driverError`, AggregateError's `errors`. */
function someCause(error: unknown, test: (error: object) => boolean): boolean {
  const pending: Array<{ error: unknown; depth: number }> = [{ error, depth: 0 }];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const { error: current, depth } = pending.pop() as { error: unknown; depth: number };
    if (typeof current !== 'object' || current === null || seen.has(current)) continue;
    seen.add(current);
    if (test(current)) return true;
    if (depth >= MAX_CAUSE_DEPTH) continue;
    const record = current as Record<string, unknown>;
    for (const wrapped of [record.cause, record.originalError, record.driverError]) {
      pending.push({ error: wrapped, depth: depth + 1 });
    }
    if (Array.isArray(record.errors)) {
      for (const wrapped of record.errors.slice(0, 10)) pending.push({ error: wrapped, depth: depth + 1 });
    }
  }
  return false;
}
