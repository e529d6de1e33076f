import { ErrorCode } from '../protocol/error-codes';
import { validateProducedRecords, type BatchRefusal } from '../protocol/produce-validation';
import { LogError } from '../storage/log-types';
import { produceLimitsFor, type BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

interface PartitionOutcome {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

/** A partition's records once checked: refused, or the batch to append. */
type Checked = { partition: number; refusal: BatchRefusal } | { partition: number; batch: Buffer };

export function handleProduce(
  broker: BrokerContext,
  request: KafkaRequest,
): KafkaResponse | Promise<KafkaResponse> {
  const { body } = request;
  const transactionalId = body.nullableString();
  const acks = body.int16();
  body.int32(); // timeout: appends are synchronous on a single node
  const topics = body.array(() => ({
    name: body.string(),
    partitions: body.array(() => ({ partition: body.int32(), records: body.nullableBytes() })),
  }));

  const checks = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map(({ partition, records }) =>
      check(broker, request, acks, transactionalId, topic.name, partition, records),
    ),
  }));
  // Only compressed batches are checked asynchronously (decompression); the rest answers at once.
  const pending = checks.flatMap((topic) => topic.partitions).filter((checked) => checked instanceof Promise);
  if (pending.length === 0) return respond(broker, request, acks, checks as ResolvedChecks);
  return Promise.all(
    checks.map(async (topic) => ({ name: topic.name, partitions: await Promise.all(topic.partitions) })),
  ).then((resolved) => respond(broker, request, acks, resolved));
}

type ResolvedChecks = Array<{ name: string; partitions: Array<Checked | PartitionOutcome> }>;

function check(
  broker: BrokerContext,
  request: KafkaRequest,
  acks: number,
  transactionalId: string | null,
  topic: string,
  partition: number,
  records: Buffer | null,
): Checked | PartitionOutcome | Promise<Checked | PartitionOutcome> {
  if (acks !== 0 && acks !== 1 && acks !== -1) return refused(partition, ErrorCode.INVALID_REQUIRED_ACKS);
  if (transactionalId !== null) {
    broker.log(
      `refused transactional produce to ${topic}-${partition} from ${request.clientAddress}: transactions are not supported`,
    );
    return refused(partition, ErrorCode.INVALID_RECORD);
  }
  const description = broker.logs.getTopic(topic);
  if (!description || !broker.logs.partition(topic, partition)) {
    return refused(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  }
  const limits = produceLimitsFor(broker, description);
  const validated = validateProducedRecords(records, request.apiVersion, limits);
  const outcome = (result: BatchRefusal | Buffer): Checked =>
    Buffer.isBuffer(result) ? { partition, batch: result } : { partition, refusal: result };
  return validated instanceof Promise ? validated.then(outcome) : outcome(validated);
}

function respond(
  broker: BrokerContext,
  request: KafkaRequest,
  acks: number,
  checks: ResolvedChecks,
): KafkaResponse {
  const results = checks.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map((checked) =>
      'errorCode' in checked ? checked : append(broker, request, topic.name, checked),
    ),
  }));
  if (acks === 0) return null;
  const response = startResponse(request, 64 + results.length * 64);
  response.array(results, (topic) => {
    response.string(topic.name);
    response.array(topic.partitions, (outcome) => {
      response.int32(outcome.partition).int16(outcome.errorCode).int64(outcome.baseOffset).int64(-1);
      if (request.apiVersion >= 5) response.int64(outcome.logStartOffset);
    });
  });
  response.int32(0);
  return response;
}

function append(
  broker: BrokerContext,
  request: KafkaRequest,
  topic: string,
  checked: Checked,
): PartitionOutcome {
  const { partition } = checked;
  // Looked up again: the topic may have been deleted while a compressed batch was checked.
  const log = broker.logs.partition(topic, partition);
  if (!log) return refused(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if ('refusal' in checked) {
    broker.log(
      `refused produce to ${topic}-${partition} from ${request.clientAddress} (client ${request.clientId}): ${checked.refusal.reason}`,
    );
    return refused(partition, checked.refusal.errorCode, log.logStartOffset);
  }
  let baseOffset: number;
  try {
    // The request's bytes are written out at once; the log keeps no reference to them.
    ({ baseOffset } = log.append(checked.batch));
  } catch (error) {
    if (!(error instanceof LogError)) throw error;
    broker.log(`refused produce to ${topic}-${partition} from client ${request.clientId}: ${error.message}`);
    return refused(partition, error.kafkaErrorCode, log.logStartOffset);
  }
  broker.fetchWaiters.wake(topic, partition);
  return { partition, errorCode: ErrorCode.NONE, baseOffset, logStartOffset: log.logStartOffset };
}

function refused(partition: number, errorCode: number, logStartOffset = -1): PartitionOutcome {
  return { partition, errorCode, baseOffset: -1, logStartOffset };
}
