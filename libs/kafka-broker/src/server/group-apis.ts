import { ErrorCode } from '../protocol/error-codes';
import type { BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

// Consumer-group APIs: decode, ask the coordinator, encode. The rules live in GroupCoordinator.

export function handleFindCoordinator(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  body.string(); // group id (or transactional id): this node coordinates everything
  if (version >= 1) body.int8();
  const response = startResponse(request);
  if (version >= 1) response.int32(0);
  response.int16(ErrorCode.NONE);
  if (version >= 1) response.nullableString(null);
  return response.int32(broker.nodeId).string(broker.advertisedHost).int32(broker.advertisedPort);
}

export async function handleJoinGroup(broker: BrokerContext, request: KafkaRequest): Promise<KafkaResponse> {
  const { body, apiVersion: version } = request;
  const groupId = body.string();
  const sessionTimeoutMs = body.int32();
  const rebalanceTimeoutMs = version >= 1 ? body.int32() : sessionTimeoutMs;
  const memberId = body.string();
  const groupInstanceId = version >= 5 ? body.nullableString() : null;
  const protocolType = body.string();
  const protocols = body.array(() => ({ name: body.string(), metadata: Buffer.from(body.bytes()) }));

  const result = await broker.groups.joinGroup({
    groupId,
    memberId,
    groupInstanceId,
    sessionTimeoutMs,
    rebalanceTimeoutMs,
    protocolType,
    protocols,
    clientId: request.clientId ?? '',
    clientHost: request.clientAddress,
    requireKnownMemberId: version >= 4,
  });

  const response = startResponse(request);
  if (version >= 2) response.int32(0);
  response
    .int16(result.errorCode)
    .int32(result.generationId)
    .string(result.protocolName ?? '');
  response.string(result.leader).string(result.memberId);
  response.array(result.members, (member) => {
    response.string(member.memberId);
    if (version >= 5) response.nullableString(member.groupInstanceId);
    response.bytes(member.metadata);
  });
  return response;
}

export async function handleSyncGroup(broker: BrokerContext, request: KafkaRequest): Promise<KafkaResponse> {
  const { body, apiVersion: version } = request;
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  if (version >= 3) body.nullableString();
  const assignments = body.array(() => ({ memberId: body.string(), assignment: Buffer.from(body.bytes()) }));

  const result = await broker.groups.syncGroup({ groupId, generationId, memberId, assignments });
  const response = startResponse(request);
  if (version >= 1) response.int32(0);
  return response.int16(result.errorCode).bytes(result.assignment);
}

export function handleHeartbeat(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const groupId = body.string();
  const generationId = body.int32();
  const memberId = body.string();
  if (version >= 3) body.nullableString();
  const errorCode = broker.groups.heartbeat(groupId, generationId, memberId);
  const response = startResponse(request);
  if (version >= 1) response.int32(0);
  return response.int16(errorCode);
}

export function handleLeaveGroup(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const groupId = body.string();
  const members =
    version >= 3
      ? body.array(() => ({ memberId: body.string(), groupInstanceId: body.nullableString() }))
      : [{ memberId: body.string(), groupInstanceId: null }];
  const result = broker.groups.leaveGroup(groupId, members);
  const response = startResponse(request);
  if (version >= 1) response.int32(0);
  // Before v3 one member leaves, so its own error is the request's error.
  if (version < 3) return response.int16(result.errorCode || result.members[0]?.errorCode || ErrorCode.NONE);
  response.int16(result.errorCode);
  response.array(result.members, (member) =>
    response.string(member.memberId).nullableString(member.groupInstanceId).int16(member.errorCode),
  );
  return response;
}

export function handleOffsetCommit(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const groupId = body.string();
  const generationId = version >= 1 ? body.int32() : -1;
  const memberId = version >= 1 ? body.string() : '';
  if (version >= 7) body.nullableString();
  if (version >= 2 && version <= 4) body.int64(); // retention time: offsets are kept until the group is deleted
  const topics = body.array(() => ({
    name: body.string(),
    partitions: body.array(() => {
      const partition = body.int32();
      const offset = body.int64();
      if (version >= 6) body.int32();
      if (version === 1) body.int64();
      return { partition, offset, metadata: body.nullableString() };
    }),
  }));

  const known = topics.map((topic) => ({
    ...topic,
    partitions: topic.partitions.map((entry) => ({
      ...entry,
      exists: broker.logs.partition(topic.name, entry.partition) !== undefined,
    })),
  }));
  const entries = known.flatMap((topic) =>
    topic.partitions
      .filter((entry) => entry.exists)
      .map(({ partition, offset, metadata }) => ({ topic: topic.name, partition, offset, metadata })),
  );
  const errorCode =
    entries.length > 0
      ? broker.groups.commitOffsets(groupId, generationId, memberId, entries)
      : ErrorCode.NONE;

  const response = startResponse(request);
  if (version >= 3) response.int32(0);
  response.array(known, (topic) => {
    response.string(topic.name);
    response.array(topic.partitions, (entry) =>
      response.int32(entry.partition).int16(entry.exists ? errorCode : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION),
    );
  });
  return response;
}

export function handleOffsetFetch(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const groupId = body.string();
  const requested = (version >= 2 ? body.nullableArray.bind(body) : body.array.bind(body))(() => ({
    name: body.string(),
    partitions: body.array(() => body.int32()),
  }));
  const partitions =
    requested?.flatMap(({ name, partitions }) =>
      partitions.map((partition) => ({ topic: name, partition })),
    ) ?? null;
  const offsets = broker.groups.fetchOffsets(groupId, partitions);

  const byTopic = new Map<string, typeof offsets>();
  for (const entry of offsets) {
    const list = byTopic.get(entry.topic) ?? [];
    list.push(entry);
    byTopic.set(entry.topic, list);
  }
  const response = startResponse(request);
  if (version >= 3) response.int32(0);
  response.array([...byTopic], ([topic, entries]) => {
    response.string(topic);
    response.array(entries, (entry) => {
      response.int32(entry.partition).int64(entry.offset);
      if (version >= 5) response.int32(-1);
      response.nullableString(entry.metadata ?? '').int16(entry.errorCode);
    });
  });
  if (version >= 2) response.int16(ErrorCode.NONE);
  return response;
}

export function handleDescribeGroups(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const { body, apiVersion: version } = request;
  const groupIds = body.array(() => body.string());
  if (version >= 3) body.boolean();
  const response = startResponse(request);
  if (version >= 1) response.int32(0);
  response.array(groupIds, (groupId) => {
    const group = broker.groups.describeGroup(groupId);
    response.int16(group.errorCode).string(group.groupId).string(group.state);
    response.string(group.protocolType).string(group.protocolName);
    response.array(group.members, (member) => {
      response.string(member.memberId);
      if (version >= 4) response.nullableString(member.groupInstanceId);
      response
        .string(member.clientId)
        .string(member.clientHost)
        .bytes(member.metadata)
        .bytes(member.assignment);
    });
    if (version >= 3) response.int32(-2147483648);
  });
  return response;
}

export function handleListGroups(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const response = startResponse(request);
  if (request.apiVersion >= 1) response.int32(0);
  response.int16(ErrorCode.NONE);
  response.array(broker.groups.listGroups(), (group) =>
    response.string(group.groupId).string(group.protocolType),
  );
  return response;
}

export function handleDeleteGroups(broker: BrokerContext, request: KafkaRequest): KafkaResponse {
  const groupIds = request.body.array(() => request.body.string());
  const response = startResponse(request).int32(0);
  response.array(groupIds, (groupId) => response.string(groupId).int16(broker.groups.deleteGroup(groupId)));
  return response;
}
