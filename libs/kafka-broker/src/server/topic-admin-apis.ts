import { SUPPORTED_VERSIONS } from '../protocol/api-keys';
import { ErrorCode } from '../protocol/error-codes';
import { LogError } from '../storage/log-types';
import { PRODUCE_LIMIT_TOPIC_CONFIGS, topicNameProblem, type BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

export function handleApiVersions(_broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const response = startResponse(request).int16(ErrorCode.NONE);
  response.array([...SUPPORTED_VERSIONS], ([apiKey, range]) =>
    response.int16(apiKey).int16(range.min).int16(range.max),
  );
  if (request.apiVersion >= 1) response.int32(0);
  return response;
}

export function handleMetadata(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const requested = version === 0 ? body.array(() => body.string()) : body.nullableArray(() => body.string());
  const allowAutoCreate = version >= 4 ? body.boolean() : true;
  if (version >= 8) {
    body.boolean();
    body.boolean();
  }
  // v0 has no null: an empty list means every topic.
  const names = requested === null || (version === 0 && requested.length === 0) ? null : requested;

  const topics = (names ?? broker.logs.listTopics().map((topic) => topic.name)).map((name) => {
    let topic = broker.logs.getTopic(name);
    let errorCode: number = ErrorCode.NONE;
    if (!topic && names !== null) {
      const problem = topicNameProblem(name);
      if (problem) errorCode = ErrorCode.INVALID_TOPIC_EXCEPTION;
      else if (allowAutoCreate && broker.autoCreateTopics) {
        topic = broker.logs.createTopic(name, broker.defaultPartitions, {});
        broker.log(`auto-created topic ${name} with ${broker.defaultPartitions} partition(s)`);
      } else errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    return { name, errorCode, partitions: topic?.partitions ?? 0 };
  });

  const response = startResponse(request, 128 + topics.length * 64);
  if (version >= 3) response.int32(0);
  response.array([broker.nodeId], (nodeId) => {
    response.int32(nodeId).string(broker.advertisedHost).int32(broker.advertisedPort);
    if (version >= 1) response.nullableString(null);
  });
  if (version >= 2) response.nullableString(broker.clusterId);
  if (version >= 1) response.int32(broker.nodeId);
  response.array(topics, (topic) => {
    response.int16(topic.errorCode).string(topic.name);
    if (version >= 1) response.boolean(false);
    response.array(range(topic.partitions), (partition) => {
      response.int16(ErrorCode.NONE).int32(partition).int32(broker.nodeId);
      if (version >= 7) response.int32(0);
      response.array([broker.nodeId], (id) => response.int32(id));
      response.array([broker.nodeId], (id) => response.int32(id));
      if (version >= 5) response.array([], () => undefined);
    });
    if (version >= 8) response.int32(-2147483648);
  });
  if (version >= 8) response.int32(-2147483648);
  return response;
}

export function handleCreateTopics(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const topics = body.array(() => ({
    name: body.string(),
    partitions: body.int32(),
    replicationFactor: body.int16(),
    assignments: body.array(() => ({ partition: body.int32(), brokers: body.array(() => body.int32()) })),
    configs: body.array(() => ({ name: body.string(), value: body.nullableString() })),
  }));
  body.int32(); // timeout: creation is synchronous here
  const validateOnly = version >= 1 ? body.boolean() : false;

  const results = topics.map((topic) => {
    const refuse = (errorCode: number, message: string) => ({ name: topic.name, errorCode, message });
    const problem = topicNameProblem(topic.name);
    if (problem) return refuse(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (broker.logs.getTopic(topic.name))
      return refuse(ErrorCode.TOPIC_ALREADY_EXISTS, `topic ${topic.name} already exists`);
    if (topic.replicationFactor !== -1 && topic.replicationFactor !== 1) {
      return refuse(
        ErrorCode.INVALID_REPLICATION_FACTOR,
        `replication factor ${topic.replicationFactor}: this broker is a single node`,
      );
    }
    const partitions =
      topic.assignments.length > 0
        ? topic.assignments.length
        : topic.partitions === -1
          ? broker.defaultPartitions
          : topic.partitions;
    if (partitions < 1 || partitions > 10_000)
      return refuse(ErrorCode.INVALID_PARTITIONS, `partition count ${partitions} must be 1-10000`);
    const configs: Record<string, string> = {};
    for (const { name, value } of topic.configs) if (value !== null) configs[name] = value;
    const configProblem = topicConfigProblem(configs);
    if (configProblem) return refuse(ErrorCode.INVALID_CONFIG, configProblem);
    if (!validateOnly) {
      try {
        broker.logs.createTopic(topic.name, partitions, configs);
      } catch (error) {
        if (error instanceof LogError) return refuse(error.kafkaErrorCode, error.message);
        throw error;
      }
      broker.log(`created topic ${topic.name} with ${partitions} partition(s)`);
    }
    return { name: topic.name, errorCode: ErrorCode.NONE, message: null };
  });

  const response = startResponse(request);
  if (version >= 2) response.int32(0);
  response.array(results, (result) => {
    response.string(result.name).int16(result.errorCode);
    if (version >= 1) response.nullableString(result.message);
  });
  return response;
}

function topicConfigProblem(configs: Record<string, string>): string | undefined {
  for (const key of ['retention.ms', 'retention.bytes']) {
    const value = configs[key];
    if (value !== undefined && !/^-?\d+$/.test(value)) return `${key} must be an integer, got "${value}"`;
  }
  // As Kafka's LogConfig: each at least 0, the size an int, the times a long.
  const limits: Array<[string, bigint]> = [
    [PRODUCE_LIMIT_TOPIC_CONFIGS.maxMessageBytes, 2n ** 31n - 1n],
    [PRODUCE_LIMIT_TOPIC_CONFIGS.timestampBeforeMaxMs, 2n ** 63n - 1n],
    [PRODUCE_LIMIT_TOPIC_CONFIGS.timestampAfterMaxMs, 2n ** 63n - 1n],
  ];
  for (const [key, max] of limits) {
    const value = configs[key];
    if (value !== undefined && (!/^\d+$/.test(value) || BigInt(value) > max)) {
      return `${key} must be an integer from 0 to ${max}, got "${value}"`;
    }
  }
  return undefined;
}

export function handleDeleteTopics(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const names = body.array(() => body.string());
  body.int32();
  const results = names.map((name) => {
    const deleted = broker.logs.deleteTopic(name);
    if (deleted) {
      broker.fetchWaiters.wakeTopic(name);
      broker.log(`deleted topic ${name}`);
    }
    return { name, errorCode: deleted ? ErrorCode.NONE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION };
  });
  const response = startResponse(request);
  if (version >= 1) response.int32(0);
  response.array(results, (result) => response.string(result.name).int16(result.errorCode));
  return response;
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
