import { ErrorCode } from '../protocol/error-codes';
import { validateProducedRecords } from '../protocol/produce-validation';
import { LogError } from '../storage/log-types';
import { produceLimitsFor, type BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

interface PartitionOutcome {
  partition: number;
  errorCode: number;
  baseOffset: number;
  logStartOffset: number;
}

export function handleProduce(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const transactionalId = body.nullableString();
  const acks = body.int16();
  body.int32(); // timeout: appends are synchronous on a single node
  const topics = body.array(() => ({
    name: body.string(),
    partitions: body.array(() => ({ partition: body.int32(), records: body.nullableBytes() })),
  }));

  const results = topics.map((topic) => ({
    name: topic.name,
    partitions: topic.partitions.map(({ partition, records }): PartitionOutcome => {
      if (acks !== 0 && acks !== 1 && acks !== -1) return refused(partition, ErrorCode.INVALID_REQUIRED_ACKS);
      if (transactionalId !== null) {
        broker.log(
          `refused transactional produce to ${topic.name}-${partition} from ${request.clientAddress}: transactions are not supported`,
        );
        return refused(partition, ErrorCode.INVALID_RECORD);
      }
      return appendRecords(broker, request, topic.name, partition, records);
    }),
  }));

  if (acks === 0) return null;
  const response = startResponse(request, 64 + topics.length * 64);
  response.array(results, (topic) => {
    response.string(topic.name);
    response.array(topic.partitions, (outcome) => {
      response.int32(outcome.partition).int16(outcome.errorCode).int64(outcome.baseOffset).int64(-1);
      if (version >= 5) response.int64(outcome.logStartOffset);
    });
  });
  response.int32(0);
  return response;
}

function appendRecords(
  broker: BrokerContext,
  request: KafkaRequest,
  topic: string,
  partition: number,
  records: Buffer | null,
): PartitionOutcome {
  const description = broker.logs.getTopic(topic);
  const log = broker.logs.partition(topic, partition);
  if (!description || !log) return refused(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);

  // Nothing of a refused batch is appended.
  const checked = validateProducedRecords(records, request.apiVersion, produceLimitsFor(broker, description));
  if (!Buffer.isBuffer(checked)) {
    broker.log(
      `refused produce to ${topic}-${partition} from ${request.clientAddress} (client ${request.clientId}): ${checked.reason}`,
    );
    return refused(partition, checked.errorCode, log.logStartOffset);
  }
  let baseOffset: number;
  try {
    // A view of the request, not a copy: the log writes the bytes out at once and keeps no reference.
    ({ baseOffset } = log.append(checked));
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
