import { ErrorCode } from '../protocol/error-codes';
import type { BrokerContext } from './broker-context';
import { startResponse, type KafkaRequest, type KafkaResponse } from './request';

/** Long polls are capped so that a client asking for hours cannot pin a request forever. */
const MAX_WAIT_CAP_MS = 60_000;

interface FetchPartitionRequest {
  partition: number;
  fetchOffset: number;
  maxBytes: number;
}

interface FetchRequest {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  topics: { topic: string; partitions: FetchPartitionRequest[] }[];
}

interface FetchPartitionResult {
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  batches: Buffer[];
}

interface Available {
  bytes: number;
  hasError: boolean;
}

interface FetchResult extends Available {
  topics: { topic: string; partitions: FetchPartitionResult[] }[];
}

export function handleFetch(
  broker: BrokerContext,
  request: KafkaRequest,
): KafkaResponse | Promise<KafkaResponse> {
  const fetch = decodeFetch(request);
  // Whether there is enough to answer is worked out from the logs' in-memory indexes; the stored
  // batches are read only for the answer. A fetch that collects (a large minBytes) is checked
  // again on every append to its partitions, and reading what it has so far each time cost the
  // broker more than everything else it did at a steady trickle.
  const ready = (available: Available) => available.bytes >= fetch.minBytes || available.hasError;
  if (fetch.maxWaitMs <= 0 || ready(collect(broker, fetch, 'sizes')))
    return encodeFetch(request, collect(broker, fetch, 'batches'));

  return new Promise((resolve, reject) => {
    let recheckScheduled = false;
    const finish = (result: FetchResult) => {
      clearTimeout(timer);
      unregister();
      resolve(encodeFetch(request, result));
    };
    // Runs outside the request's call stack: a failure must close this connection, not the broker.
    const guarded = (work: () => void) => () => {
      try {
        work();
      } catch (error) {
        clearTimeout(timer);
        unregister();
        reject(error);
      }
    };
    const timer = setTimeout(
      guarded(() => finish(collect(broker, fetch, 'batches'))),
      Math.min(fetch.maxWaitMs, MAX_WAIT_CAP_MS),
    );
    const unregister = broker.fetchWaiters.add(
      {
        // One re-check per tick, however many appends a single produce request made.
        onAppend: () => {
          if (recheckScheduled) return;
          recheckScheduled = true;
          setImmediate(
            guarded(() => {
              recheckScheduled = false;
              if (ready(collect(broker, fetch, 'sizes'))) finish(collect(broker, fetch, 'batches'));
            }),
          );
        },
        onShutdown: guarded(() => finish(collect(broker, fetch, 'batches'))),
      },
      fetch.topics.flatMap(({ topic, partitions }) =>
        partitions.map(({ partition }) => ({ topic, partition })),
      ),
    );
  });
}

function decodeFetch({ body, apiVersion: version }: KafkaRequest): FetchRequest {
  body.int32(); // replica id: always a consumer here
  const maxWaitMs = body.int32();
  const minBytes = body.int32();
  const maxBytes = body.int32();
  body.int8(); // isolation level: no transactions, so both levels read the same
  if (version >= 7) {
    body.int32(); // fetch sessions are not needed: every fetch names its partitions
    body.int32();
  }
  const topics = body.array(() => ({
    topic: body.string(),
    partitions: body.array((): FetchPartitionRequest => {
      const partition = body.int32();
      if (version >= 9) body.int32();
      const fetchOffset = body.int64();
      if (version >= 5) body.int64();
      return { partition, fetchOffset, maxBytes: body.int32() };
    }),
  }));
  if (version >= 7) body.array(() => ({ topic: body.string(), partitions: body.array(() => body.int32()) }));
  if (version >= 11) body.string();
  return { maxWaitMs, minBytes, maxBytes, topics };
}

/**
 * What the fetch would get now. With 'sizes' no stored batch is read: the result carries the byte
 * counts and errors only, for deciding whether to answer yet.
 */
function collect(broker: BrokerContext, fetch: FetchRequest, what: 'sizes' | 'batches'): FetchResult {
  let bytes = 0;
  let hasError = false;
  const topics = fetch.topics.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map((wanted): FetchPartitionResult => {
      const log = broker.logs.partition(topic, wanted.partition);
      if (!log) {
        hasError = true;
        return {
          partition: wanted.partition,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1,
          logStartOffset: -1,
          batches: [],
        };
      }
      const result = {
        partition: wanted.partition,
        errorCode: ErrorCode.NONE as number,
        highWatermark: log.highWatermark,
        logStartOffset: log.logStartOffset,
        batches: [] as Buffer[],
      };
      if (wanted.fetchOffset < log.logStartOffset || wanted.fetchOffset > log.highWatermark) {
        hasError = true;
        result.errorCode = ErrorCode.OFFSET_OUT_OF_RANGE;
        return result;
      }
      const limit = Math.min(wanted.maxBytes, fetch.maxBytes - bytes);
      if (wanted.fetchOffset === log.highWatermark || (bytes > 0 && limit <= 0)) return result;
      const readable = log.readableBytes(wanted.fetchOffset, Math.max(limit, 0));
      // The first batch of the response is always sent whole, even over the limits, so a consumer
      // can never be stuck behind a batch larger than it asked for; later ones must fit.
      if (bytes > 0 && readable.bytes > 0 && readable.firstBatchBytes > limit) return result;
      if (what === 'batches') result.batches = log.read(wanted.fetchOffset, Math.max(limit, 0));
      bytes += readable.bytes;
      return result;
    }),
  }));
  return { bytes, hasError, topics };
}

function encodeFetch(request: KafkaRequest, result: FetchResult): KafkaResponse {
  const version = request.apiVersion;
  const response = startResponse(request, 256 + result.bytes);
  response.int32(0);
  if (version >= 7) response.int16(ErrorCode.NONE).int32(0);
  response.array(result.topics, ({ topic, partitions }) => {
    response.string(topic);
    response.array(partitions, (partition) => {
      response.int32(partition.partition).int16(partition.errorCode).int64(partition.highWatermark);
      response.int64(partition.highWatermark); // last stable offset: no open transactions
      if (version >= 5) response.int64(partition.logStartOffset);
      response.int32(0); // aborted transactions: none
      if (version >= 11) response.int32(-1);
      let size = 0;
      for (const batch of partition.batches) size += batch.length;
      response.int32(size);
      for (const batch of partition.batches) response.raw(batch);
    });
  });
  return response;
}
