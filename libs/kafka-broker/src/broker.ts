import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { checkCodecs } from '@switchboard/kafka-codecs';
import { resolveBrokerOptions, type BrokerOptions, type ResolvedListener } from './broker-options';
import { GroupCoordinator } from './groups/group-coordinator';
import { ApiKey } from './protocol/api-keys';
import { LogStore } from './storage/log-store';
import { FileOffsetStore } from './storage/offset-store';
import type { BrokerContext } from './server/broker-context';
import { KafkaConnection } from './server/connection';
import { handleFetch } from './server/fetch-api';
import { FetchWaiters } from './server/fetch-waiters';
import * as groupApis from './server/group-apis';
import { handleInitProducerId } from './server/init-producer-id-api';
import { handleListOffsets } from './server/list-offsets-api';
import { handleProduce } from './server/produce-api';
import { ProducerIdAllocator } from './server/producer-ids';
import { RequestCounts, type RequestCount } from './server/request-counts';
import type { ApiHandler, KafkaRequest, KafkaResponse } from './server/request';
import * as topicAdminApis from './server/topic-admin-apis';

export interface RunningBroker {
  readonly host: string;
  readonly port: number;
  /** The advertised "host:port", ready for a client's broker list. */
  readonly address: string;
  readonly dataDir: string;
  /** The `listeners` of the options, in their order, with the ports they got. */
  readonly listeners: readonly BrokerListener[];
  /** Requests by client id and API since the broker started: what each client costs it in round trips. */
  requestCounts(): RequestCount[];
  /** Stops accepting, answers parked requests, closes connections and flushes the log. */
  close(): Promise<void>;
}

export interface BrokerListener {
  readonly name: string;
  /** Where it listens. */
  readonly host: string;
  readonly port: number;
  /** The advertised "host:port" its clients are told to connect to. */
  readonly address: string;
}

type ContextHandler = (
  broker: BrokerContext,
  request: KafkaRequest,
) => KafkaResponse | Promise<KafkaResponse>;

const HANDLERS = new Map<number, ContextHandler>([
  [ApiKey.ApiVersions, topicAdminApis.handleApiVersions],
  [ApiKey.Metadata, topicAdminApis.handleMetadata],
  [ApiKey.CreateTopics, topicAdminApis.handleCreateTopics],
  [ApiKey.DeleteTopics, topicAdminApis.handleDeleteTopics],
  [ApiKey.Produce, handleProduce],
  [ApiKey.Fetch, handleFetch],
  [ApiKey.ListOffsets, handleListOffsets],
  [ApiKey.InitProducerId, handleInitProducerId],
  [ApiKey.FindCoordinator, groupApis.handleFindCoordinator],
  [ApiKey.JoinGroup, groupApis.handleJoinGroup],
  [ApiKey.SyncGroup, groupApis.handleSyncGroup],
  [ApiKey.Heartbeat, groupApis.handleHeartbeat],
  [ApiKey.LeaveGroup, groupApis.handleLeaveGroup],
  [ApiKey.OffsetCommit, groupApis.handleOffsetCommit],
  [ApiKey.OffsetFetch, groupApis.handleOffsetFetch],
  [ApiKey.DescribeGroups, groupApis.handleDescribeGroups],
  [ApiKey.ListGroups, groupApis.handleListGroups],
  [ApiKey.DeleteGroups, groupApis.handleDeleteGroups],
]);

/** Starts a single-node Kafka-wire-compatible broker and resolves once it is listening. */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const settings = resolveBrokerOptions(options);
  // Produce decompresses with every codec: one that does not load fails the start, not each batch.
  await checkCodecs();
  mkdirSync(settings.dataDir, { recursive: true });
  const logs = LogStore.open(
    {
      dataDir: settings.dataDir,
      fsync: settings.fsync,
      fsyncIntervalMs: settings.fsyncIntervalMs,
      segmentBytes: settings.segmentBytes,
      retentionMs: settings.retentionMs,
      retentionBytes: settings.retentionBytes,
    },
    settings.log,
  );
  const offsets = FileOffsetStore.open(settings.dataDir, settings.fsync, settings.fsyncIntervalMs);
  const groups = new GroupCoordinator(offsets, {
    initialRebalanceDelayMs: settings.initialRebalanceDelayMs,
    log: settings.log,
  });
  const connections = new Set<KafkaConnection>();
  const requestCounts = new RequestCounts();
  const mainListener: ResolvedListener = {
    name: 'main',
    host: settings.host,
    port: settings.port,
    advertisedHost: settings.advertisedHost,
    advertisedPort: settings.advertisedPort,
  };
  const servers: Array<{ listener: ResolvedListener; server: Server }> = [];
  try {
    for (const listener of [mainListener, ...settings.listeners]) {
      const server = createServer();
      await listen(server, listener);
      servers.push({ listener, server });
    }
  } catch (error) {
    await Promise.all(servers.map(({ server }) => new Promise((resolve) => server.close(resolve))));
    groups.close();
    offsets.close();
    logs.close();
    throw error;
  }
  const shared = {
    nodeId: settings.nodeId,
    clusterId: clusterIdOf(settings.dataDir),
    autoCreateTopics: settings.autoCreateTopics,
    defaultPartitions: settings.defaultPartitions,
    produceLimits: {
      maxMessageBytes: settings.messageMaxBytes,
      timestampBeforeMaxMs: settings.messageTimestampBeforeMaxMs,
      timestampAfterMaxMs: settings.messageTimestampAfterMaxMs,
    },
    logs,
    groups,
    fetchWaiters: new FetchWaiters(),
    producerIds: new ProducerIdAllocator(settings.dataDir),
    log: settings.log,
  };

  const running = servers.map(({ listener, server }) => {
    const port = (server.address() as AddressInfo).port;
    const advertisedPort = listener.advertisedPort ?? port;
    // Metadata and FindCoordinator answer with the address of the listener the request came through.
    const context: BrokerContext = { ...shared, advertisedHost: listener.advertisedHost, advertisedPort };
    const handlers = new Map<number, ApiHandler>(
      [...HANDLERS].map(([apiKey, handle]) => [apiKey, (request) => handle(context, request)]),
    );
    server.on('connection', (socket) => {
      if (connections.size >= settings.maxConnections) {
        settings.log(
          `refusing connection from ${socket.remoteAddress}:${socket.remotePort}: ${settings.maxConnections} connections open`,
        );
        socket.destroy();
        return;
      }
      const connection = new KafkaConnection(socket, {
        maxRequestBytes: settings.maxRequestBytes,
        idleTimeoutMs: settings.idleTimeoutMs,
        handlerFor: (apiKey) => handlers.get(apiKey),
        onRequest: (clientId, apiKey) => requestCounts.count(clientId, apiKey),
        log: settings.log,
      });
      connections.add(connection);
      socket.on('close', () => connections.delete(connection));
    });
    const address = `${listener.advertisedHost}:${advertisedPort}`;
    return { name: listener.name, host: listener.host, port, address, server };
  });
  const [main, ...extra] = running;
  settings.log(
    `listening on ${main.host}:${main.port} (advertised ${main.address}), data in ${settings.dataDir}`,
  );
  for (const listener of extra) {
    settings.log(
      `listener ${listener.name} listening on ${listener.host}:${listener.port} (advertised ${listener.address})`,
    );
  }

  let closing: Promise<void> | undefined;
  return {
    host: main.host,
    port: main.port,
    address: main.address,
    dataDir: settings.dataDir,
    listeners: extra.map(({ name, host, port, address }) => ({ name, host, port, address })),
    requestCounts: () => requestCounts.snapshot(),
    close: () =>
      (closing ??= (async () => {
        const stopped = Promise.all(
          running.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))),
        );
        shared.fetchWaiters.shutdown();
        groups.close();
        // Let the answers to parked requests reach the sockets before closing them.
        await new Promise((resolve) => setImmediate(resolve));
        for (const connection of connections) connection.close();
        await stopped;
        offsets.close();
        logs.close();
        settings.log('stopped');
      })()),
  };
}

function listen(server: Server, listener: ResolvedListener): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: listener.host, port: listener.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A stable cluster id per data directory, as Apache Kafka keeps in meta.properties. */
function clusterIdOf(dataDir: string): string {
  const file = join(dataDir, 'cluster-id');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    const id = randomUUID();
    writeFileSync(file, id);
    return id;
  }
}
