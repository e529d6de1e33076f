import type { BlindIndex, FieldEncryptor, JsonValue } from '@switchboard/encryption';
import { isEncrypted } from '@switchboard/encryption';
import { fingerprintRequest } from './request-fingerprint';

/** The associated data of a stored answer: it opens in this column of its own tenant only. */
export const RESPONSE_BODY_FIELD = 'idempotency_records.response_body';

/** What an idempotency record remembers of its request, and what records from before still match. */
export interface RequestFingerprint {
  /** Keyed (HMAC with a key derived from BLIND_INDEX_KEY): stored with new records. */
  requestHash: string;
  /**
   * The unkeyed SHA-256 that records written before the keyed fingerprint hold, so that a retry
   * across the upgrade is still recognised; such records are gone after IDEMPOTENCY_TTL.
   */
  legacyRequestHash?: string;
}

/**
 * What the gateway keeps of an idempotent request: a keyed fingerprint of its body instead of a
 * plain SHA-256 (the body holds the recipient's address, and a plain hash of a short body can be
 * found by trying addresses), and its answer encrypted with the tenant's data key. The answer
 * belongs to the tenant, not to one person (a batch answers for many), and lives no longer than
 * IDEMPOTENCY_TTL, so erasure has nothing to destroy here.
 */
export class IdempotencyEncryption {
  constructor(
    private readonly encryptor: Pick<FieldEncryptor, 'encrypt' | 'decrypt'>,
    private readonly blindIndex: Pick<BlindIndex, 'compute'>,
  ) {}

  fingerprint(tenantId: string, route: string, body: unknown): RequestFingerprint {
    // The body may be megabytes: the index keys the SHA-256 of route and canonical body.
    const legacyRequestHash = fingerprintRequest(route, body);
    return {
      requestHash: this.blindIndex.compute({ tenantId, kind: 'text', value: legacyRequestHash }),
      legacyRequestHash,
    };
  }

  async sealResponseBody(tenantId: string, body: unknown): Promise<string> {
    return this.encryptor.encrypt((body ?? null) as JsonValue, { tenantId, field: RESPONSE_BODY_FIELD });
  }

  /** The answer as it was given; one stored before encryption (plaintext jsonb) comes back as it is. */
  async openResponseBody(tenantId: string, stored: unknown): Promise<unknown> {
    if (!isEncrypted(stored)) return stored;
    return this.encryptor.decrypt(stored, { tenantId, field: RESPONSE_BODY_FIELD });
  }
}
