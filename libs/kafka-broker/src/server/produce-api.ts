import { ErrorCode } from '../protocol/error-codes';
import {
  BATCH_LOG_OVERHEAD,
  BatchField,
  isTransactionalOrControl,
  validateBatch,
} from '../protocol/record-batch';
import { LogError } from '../storage/log-types';
import type { BrokerContext } from './broker-context';
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
  const log = broker.logs.partition(topic, partition);
  if (!log) return refused(partition, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!records || records.length === 0)
    return refused(partition, ErrorCode.CORRUPT_MESSAGE, log.logStartOffset);

  // Validate every batch before appending any, so a bad request leaves the log untouched.
  const batches: Buffer[] = [];
  for (let at = 0; at < records.length;) {
    const problem = validateBatch(records, at);
    if (problem) {
      broker.log(
        `refused produce to ${topic}-${partition} from ${request.clientAddress} (client ${request.clientId}): ${problem}`,
      );
      return refused(partition, ErrorCode.CORRUPT_MESSAGE, log.logStartOffset);
    }
    const size = records.readInt32BE(at + BatchField.batchLength) + BATCH_LOG_OVERHEAD;
    if (isTransactionalOrControl(records.readInt16BE(at + BatchField.attributes))) {
      broker.log(`refused transactional batch to ${topic}-${partition} from ${request.clientAddress}`);
      return refused(partition, ErrorCode.INVALID_RECORD, log.logStartOffset);
    }
    // A view, not a copy: the log writes the bytes out at once and keeps no reference.
    batches.push(records.subarray(at, at + size));
    at += size;
  }

  let firstOffset = -1;
  try {
    for (const batch of batches) {
      const { baseOffset } = log.append(batch);
      if (firstOffset < 0) firstOffset = baseOffset;
    }
  } catch (error) {
    if (!(error instanceof LogError)) throw error;
    broker.log(`refused produce to ${topic}-${partition} from client ${request.clientId}: ${error.message}`);
    return refused(partition, error.kafkaErrorCode, log.logStartOffset);
  }
  broker.fetchWaiters.wake(topic, partition);
  return {
    partition,
    errorCode: ErrorCode.NONE,
    baseOffset: firstOffset,
    logStartOffset: log.logStartOffset,
  };
}

function refused(partition: number, errorCode: number, logStartOffset = -1): PartitionOutcome {
  return { partition, errorCode, baseOffset: -1, logStartOffset };
}
