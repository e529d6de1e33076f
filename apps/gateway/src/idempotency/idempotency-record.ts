/** The answer given to the first request with a key, replayed to every later one. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyState = 'pending' | 'completed';

export interface IdempotencyRecord {
  tenantId: string;
  key: string;
  /** fingerprintRequest() of the first request. */
  requestHash: string;
  state: IdempotencyState;
  /** Present once completed. */
  response?: StoredResponse;
  createdAt: Date;
  expiresAt: Date;
}

export interface IdempotencyClaim {
  tenantId: string;
  key: string;
  requestHash: string;
  createdAt: Date;
  expiresAt: Date;
}

/** Where idempotency records live; claim() must be atomic on (tenantId, key). */
export abstract class IdempotencyStore {
  /** Inserts a pending record; false when one already exists for the tenant and key. */
  abstract claim(claim: IdempotencyClaim): Promise<boolean>;
  abstract find(tenantId: string, key: string): Promise<IdempotencyRecord | undefined>;
  abstract complete(tenantId: string, key: string, response: StoredResponse): Promise<void>;
  /** Removes a pending record whose work failed, so the key can be used again. */
  abstract release(tenantId: string, key: string): Promise<void>;
  /** Removes the record if it has expired, or is pending and was created at or before `abandonedBefore`. */
  abstract removeStale(tenantId: string, key: string, now: Date, abandonedBefore: Date): Promise<void>;
  /** Deletes expired records; returns how many. */
  abstract purgeExpired(now: Date): Promise<number>;
}
