import { Logger } from '@nestjs/common';
import { GatewayError } from '../gateway-error';
import { decideOnExistingRecord } from './idempotency-decision';
import type { RequestFingerprint } from './idempotency-encryption';
import { IdempotencyStore, type StoredResponse } from './idempotency-record';

export interface IdempotencySettings {
  /** How long a key is remembered. */
  ttlMs: number;
  /** How long a duplicate waits for the first request to finish before answering 409. */
  waitMs: number;
  pollIntervalMs: number;
  /** A record pending this long belongs to a request that died; a duplicate may take it over. */
  abandonedAfterMs: number;
}

export interface IdempotentRequest extends RequestFingerprint {
  tenantId: string;
  key: string;
}

export interface IdempotentOutcome {
  response: StoredResponse;
  /** True when this is the stored answer of an earlier request with the same key. */
  replayed: boolean;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs work at most once per (tenant, idempotency key). The first request claims the key with
 * a pending record; concurrent duplicates wait for its stored answer. If the work fails the
 * record is removed, so a retry with the same key can succeed.
 */
export class ExecuteIdempotentRequest {
  private readonly logger = new Logger(ExecuteIdempotentRequest.name);

  constructor(
    private readonly store: IdempotencyStore,
    private readonly settings: IdempotencySettings,
    private readonly now: () => Date = () => new Date(),
    private readonly sleep: (ms: number) => Promise<void> = realSleep,
  ) {}

  async execute(request: IdempotentRequest, work: () => Promise<StoredResponse>): Promise<IdempotentOutcome> {
    const deadline = this.now().getTime() + this.settings.waitMs;
    for (;;) {
      const createdAt = this.now();
      const claimed = await this.store.claim({
        tenantId: request.tenantId,
        key: request.key,
        requestHash: request.requestHash,
        createdAt,
        expiresAt: new Date(createdAt.getTime() + this.settings.ttlMs),
      });
      if (claimed) return { response: await this.runClaimed(request, work), replayed: false };

      const replay = await this.awaitEarlierRequest(request, deadline);
      if (replay) return { response: replay, replayed: true };
    }
  }

  private async runClaimed(
    request: IdempotentRequest,
    work: () => Promise<StoredResponse>,
  ): Promise<StoredResponse> {
    let response: StoredResponse;
    try {
      response = await work();
    } catch (error) {
      await this.store.release(request.tenantId, request.key).catch((releaseError: unknown) => {
        // The record then stays pending until abandonedAfterMs, when a retry takes it over.
        this.logger.warn('could not release an idempotency key', {
          tenantId: request.tenantId,
          error: String(releaseError),
        });
      });
      throw error;
    }
    try {
      await this.store.complete(request.tenantId, request.key, response);
    } catch (error) {
      // The work is done (the message is durable), so its answer stands; only a replay is lost.
      this.logger.error('could not store the answer of an idempotent request', {
        tenantId: request.tenantId,
        error: String(error),
      });
    }
    return response;
  }

  /** The stored answer to replay, or undefined when the key is free to claim again. */
  private async awaitEarlierRequest(
    request: IdempotentRequest,
    deadline: number,
  ): Promise<StoredResponse | undefined> {
    for (;;) {
      const now = this.now();
      const record = await this.store.find(request.tenantId, request.key);
      const decision = decideOnExistingRecord(record, request, now, this.settings.abandonedAfterMs);
      switch (decision.kind) {
        case 'replay':
          return decision.response;
        case 'mismatch':
          throw new GatewayError(
            'IDEMPOTENCY_KEY_REUSED',
            'this Idempotency-Key was already used with a different request body',
          );
        case 'claim':
          return undefined;
        case 'take-over': {
          const abandonedBefore = new Date(now.getTime() - this.settings.abandonedAfterMs);
          await this.store.removeStale(request.tenantId, request.key, now, abandonedBefore);
          return undefined;
        }
        case 'wait':
          if (now.getTime() >= deadline) {
            throw new GatewayError(
              'IDEMPOTENCY_REQUEST_IN_PROGRESS',
              'a request with this Idempotency-Key is still being processed; retry later',
            );
          }
          await this.sleep(this.settings.pollIntervalMs);
          break;
        default:
          return exhaustive(decision);
      }
    }
  }
}

function exhaustive(decision: never): never {
  throw new Error(`unhandled idempotency decision ${JSON.stringify(decision)}`);
}
