import { ErrorCode } from '../protocol/error-codes';
import type { BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

const LATEST = -1;
const EARLIEST = -2;

export function handleListOffsets(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  body.int32(); // replica id
  if (version >= 2) body.int8(); // isolation level
  const topics = body.array(() => ({
    name: body.string(),
    partitions: body.array(() => {
      const partition = body.int32();
      if (version >= 4) body.int32();
      const timestamp = body.int64();
      if (version === 0) body.int32(); // max number of offsets: one is always enough
      return { partition, timestamp };
    }),
  }));

  const response = startResponse(request);
  if (version >= 2) response.int32(0);
  response.array(topics, (topic) => {
    response.string(topic.name);
    response.array(topic.partitions, ({ partition, timestamp }) => {
      const answer = lookUp(broker, topic.name, partition, timestamp);
      response.int32(partition).int16(answer.errorCode);
      if (version === 0)
        response.array(answer.offset >= 0 ? [answer.offset] : [], (offset) => response.int64(offset));
      else {
        response.int64(answer.timestamp).int64(answer.offset);
        if (version >= 4) response.int32(0);
      }
    });
  });
  return response;
}

function lookUp(broker: BrokerContext, topic: string, partition: number, timestamp: number) {
  const log = broker.logs.partition(topic, partition);
  if (!log) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, offset: -1, timestamp: -1 };
  if (timestamp === LATEST) return { errorCode: ErrorCode.NONE, offset: log.highWatermark, timestamp: -1 };
  if (timestamp === EARLIEST) return { errorCode: ErrorCode.NONE, offset: log.logStartOffset, timestamp: -1 };
  const found = log.offsetForTimestamp(timestamp);
  // No record that late: Kafka answers offset -1, and clients then use the end of the log.
  return found
    ? { errorCode: ErrorCode.NONE, ...found }
    : { errorCode: ErrorCode.NONE, offset: -1, timestamp: -1 };
}
