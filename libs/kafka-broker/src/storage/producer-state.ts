import { ErrorCode } from '../protocol/error-codes';
import type { BatchHeader } from '../protocol/record-batch';
import { LogError } from './log-types';

/** Clients keep at most five requests in flight, so five batches cover every possible retry. */
const REMEMBERED_BATCHES = 5;
const MAX_SEQUENCE = 2 ** 31 - 1;

interface RememberedBatch {
  baseSequence: number;
  lastSequence: number;
  baseOffset: number;
}

interface ProducerEntry {
  epoch: number;
  batches: RememberedBatch[];
}

// Idempotent-producer bookkeeping for one partition: a retried batch is recognised by its
// sequence numbers and answered with its original offset instead of being written twice.
export class ProducerState {
  private readonly producers = new Map<number, ProducerEntry>();

  /** The original base offset when this batch is a duplicate; throws when it is out of order. */
  check(header: BatchHeader): number | undefined {
    if (header.producerId < 0) return undefined;
    const known = this.producers.get(header.producerId);
    if (!known) return undefined;
    if (header.producerEpoch < known.epoch) {
      throw new LogError(
        ErrorCode.INVALID_PRODUCER_EPOCH,
        `producer ${header.producerId} epoch ${header.producerEpoch} is older than ${known.epoch}`,
      );
    }
    if (header.producerEpoch > known.epoch) {
      if (header.baseSequence !== 0) {
        throw new LogError(
          ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          `producer ${header.producerId} new epoch must start at sequence 0, got ${header.baseSequence}`,
        );
      }
      return undefined;
    }
    const lastSequence = sequenceAfter(header.baseSequence, header.lastOffsetDelta);
    const duplicate = known.batches.find(
      (batch) => batch.baseSequence === header.baseSequence && batch.lastSequence === lastSequence,
    );
    if (duplicate) return duplicate.baseOffset;
    const newest = known.batches[known.batches.length - 1];
    if (newest && header.baseSequence !== sequenceAfter(newest.lastSequence, 1)) {
      throw new LogError(
        ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        `producer ${header.producerId} sent sequence ${header.baseSequence}, expected ${sequenceAfter(newest.lastSequence, 1)}`,
      );
    }
    return undefined;
  }

  record(header: BatchHeader, baseOffset: number): void {
    if (header.producerId < 0) return;
    let entry = this.producers.get(header.producerId);
    if (!entry || entry.epoch !== header.producerEpoch) {
      entry = { epoch: header.producerEpoch, batches: [] };
      this.producers.set(header.producerId, entry);
    }
    entry.batches.push({
      baseSequence: header.baseSequence,
      lastSequence: sequenceAfter(header.baseSequence, header.lastOffsetDelta),
      baseOffset,
    });
    if (entry.batches.length > REMEMBERED_BATCHES) entry.batches.shift();
  }
}

function sequenceAfter(sequence: number, delta: number): number {
  const next = sequence + delta;
  return next > MAX_SEQUENCE ? next - MAX_SEQUENCE - 1 : next;
}
