import {
  type BlindIndex,
  type DataKeyStore,
  type EncryptionError,
  type EncryptionErrorCode,
  type FieldEncryptor,
  isEncrypted,
  type JsonValue,
  parseCiphertext,
  type ValueToDecrypt,
} from '@switchboard/encryption';
import type { NewPushSubscription, RecipientChanges } from './recipient';

/**
 * The names the values are bound to (with tenant and recipient): a value copied into another
 * column, another recipient's row or another tenant does not decrypt.
 */
export const RECIPIENT_FIELDS = {
  email: 'recipients.email',
  phone: 'recipients.phone',
  attributes: 'recipients.attributes',
  endpoint: 'push_subscriptions.endpoint',
  p256dh: 'push_subscriptions.p256dh',
  auth: 'push_subscriptions.auth',
} as const;

export type RecipientField = keyof typeof RECIPIENT_FIELDS;

/** A push subscription as stored: its values encrypted, and the blind index it is found by. */
export interface SealedPushSubscription extends NewPushSubscription {
  endpointIndex: string;
}

/** A recipient's personal columns as read from the database, encrypted or (rows not yet rewritten) not. */
export interface StoredRecipientValues {
  tenantId: string;
  recipientId: string;
  email: string | null;
  phone: string | null;
  /** A `sbenc:v1:` string, or the plaintext object of a row written before encryption. */
  attributes?: unknown;
  pushSubscriptions: ReadonlyArray<{ endpoint: string; p256dh: string; auth: string }>;
}

export interface UnreadableValue {
  field: RecipientField;
  code: EncryptionErrorCode;
  /** The data key the value names (no personal data), for an operator to look into. */
  keyId?: string;
}

/**
 * The recipient's values in the clear. A value that cannot be read is left out (null, `{}`, or the
 * subscription dropped) and listed in `unreadable`, so that routing goes on with what is readable
 * and the API can say what is wrong.
 */
export interface OpenedRecipientValues {
  email: string | null;
  phone: string | null;
  attributes: Record<string, unknown>;
  pushSubscriptions: Array<{ endpoint: string; p256dh: string; auth: string }>;
  unreadable: UnreadableValue[];
}

/**
 * Encryption of the router's personal data: email, phone and attributes of a recipient, and the
 * endpoint and keys of their push subscriptions, each sealed with that recipient's data key, so
 * that destroying the key (erasure) makes every copy unreadable. Subscriptions are found by the
 * blind index of their endpoint. Values written before encryption was turned on are read as they
 * are until the start-up rewrite (EncryptPlaintextRecipients) has encrypted them.
 */
export class RecipientEncryption {
  constructor(
    private readonly encryptor: FieldEncryptor,
    private readonly blindIndex: BlindIndex,
    private readonly keys: Pick<DataKeyStore, 'keyFor' | 'destroyRecipientKey' | 'forgetRecipient'>,
  ) {}

  /**
   * Loads (or makes) the recipient's data key into this replica's cache before a transaction that
   * reads and writes their row, so that no key query runs on another connection while the
   * transaction is open (the embedded database would make it wait for that very transaction).
   */
  async prepareRecipient(tenantId: string, recipientId: string): Promise<void> {
    await this.keys.keyFor(tenantId, recipientId);
  }

  /** Each recipient's changes as stored: fields given are encrypted, null and absent stay so. */
  async sealChanges(
    items: ReadonlyArray<{ tenantId: string; recipientId: string; changes: RecipientChanges }>,
  ): Promise<RecipientChanges[]> {
    const values: Array<{ item: number; field: 'email' | 'phone' | 'attributes'; value: JsonValue }> = [];
    items.forEach(({ changes }, item) => {
      for (const field of ['email', 'phone', 'attributes'] as const) {
        const value = changes[field];
        if (value !== undefined && value !== null) values.push({ item, field, value: value as JsonValue });
      }
    });
    const sealed = await this.encryptor.encryptMany(
      values.map(({ item, field, value }) => ({
        value,
        context: {
          tenantId: items[item].tenantId,
          recipientId: items[item].recipientId,
          field: RECIPIENT_FIELDS[field],
        },
      })),
    );
    const results = items.map(({ changes }) => ({ ...changes }) as Record<string, unknown>);
    values.forEach(({ item, field }, index) => {
      results[item][field] = sealed[index];
    });
    return results as RecipientChanges[];
  }

  /** Subscriptions as stored, in the order given, with one key lookup for all. */
  async sealSubscriptions(
    items: ReadonlyArray<{ tenantId: string; recipientId: string; subscription: NewPushSubscription }>,
  ): Promise<SealedPushSubscription[]> {
    const fields = ['endpoint', 'p256dh', 'auth'] as const;
    const sealed = await this.encryptor.encryptMany(
      items.flatMap(({ tenantId, recipientId, subscription }) =>
        fields.map((field) => ({
          value: subscription[field],
          context: { tenantId, recipientId, field: RECIPIENT_FIELDS[field] },
        })),
      ),
    );
    return items.map(({ tenantId, subscription }, index) => ({
      endpoint: sealed[index * 3],
      p256dh: sealed[index * 3 + 1],
      auth: sealed[index * 3 + 2],
      endpointIndex: this.endpointIndex(tenantId, subscription.endpoint),
    }));
  }

  /** What a subscription is found by: the endpoint as stored (normalised) gives the same index. */
  endpointIndex(tenantId: string, endpoint: string): string {
    return this.blindIndex.compute({ tenantId, kind: 'push-endpoint', value: endpoint });
  }

  /** Many recipients' values in the clear, with one key lookup for all (routing reads whole batches). */
  async openMany(stored: readonly StoredRecipientValues[]): Promise<OpenedRecipientValues[]> {
    const wanted: ValueToDecrypt[] = [];
    const places: Array<{ recipient: number; field: RecipientField; subscription?: number }> = [];
    const want = (recipient: number, field: RecipientField, value: unknown, subscription?: number) => {
      if (!isEncrypted(value)) return;
      const { tenantId, recipientId } = stored[recipient];
      wanted.push({ ciphertext: value, context: { tenantId, recipientId, field: RECIPIENT_FIELDS[field] } });
      places.push({ recipient, field, subscription });
    };
    const opened: OpenedRecipientValues[] = stored.map((row, recipient) => {
      want(recipient, 'email', row.email);
      want(recipient, 'phone', row.phone);
      want(recipient, 'attributes', row.attributes);
      row.pushSubscriptions.forEach((subscription, index) => {
        for (const field of ['endpoint', 'p256dh', 'auth'] as const) {
          want(recipient, field, subscription[field], index);
        }
      });
      // Plaintext (a row not rewritten yet) is taken as it is; ciphertext is replaced below.
      return {
        email: row.email,
        phone: row.phone,
        attributes: isPlainObject(row.attributes) ? row.attributes : {},
        pushSubscriptions: row.pushSubscriptions.map(({ endpoint, p256dh, auth }) => ({
          endpoint,
          p256dh,
          auth,
        })),
        unreadable: [],
      };
    });
    if (wanted.length === 0) return opened;
    const results = await this.encryptor.decryptMany(wanted);
    const dropped = stored.map(() => new Set<number>());
    results.forEach((result, index) => {
      const { recipient, field, subscription } = places[index];
      const target = opened[recipient];
      if (!result.ok) {
        target.unreadable.push(unreadableValue(field, result.error, wanted[index].ciphertext));
        if (subscription !== undefined) dropped[recipient].add(subscription);
        else if (field === 'attributes') target.attributes = {};
        else target[field as 'email' | 'phone'] = null;
        return;
      }
      if (subscription !== undefined) {
        target.pushSubscriptions[subscription][field as 'endpoint' | 'p256dh' | 'auth'] = String(
          result.value,
        );
      } else if (field === 'attributes') {
        target.attributes = isPlainObject(result.value) ? result.value : {};
      } else {
        target[field as 'email' | 'phone'] = String(result.value);
      }
    });
    opened.forEach((target, recipient) => {
      if (dropped[recipient].size > 0) {
        target.pushSubscriptions = target.pushSubscriptions.filter(
          (_, index) => !dropped[recipient].has(index),
        );
      }
    });
    return opened;
  }

  /**
   * Crypto-shredding of one recipient: destroys their data key, so every value sealed with it (in
   * these tables, in backups, in retained Kafka records) is unreadable from now on, and drops it
   * from this replica's cache. For erasure; the rows themselves are deleted by the caller.
   * Returns the destroyed key id, or undefined when the recipient never had a key.
   */
  async destroyRecipientKey(tenantId: string, recipientId: string): Promise<string | undefined> {
    const destroyed = await this.keys.destroyRecipientKey(tenantId, recipientId);
    this.keys.forgetRecipient(tenantId, recipientId);
    return destroyed;
  }

  /** For a replica that learns of an erasure another replica carried out (the erasure event). */
  forgetRecipient(tenantId: string, recipientId: string): void {
    this.keys.forgetRecipient(tenantId, recipientId);
  }
}

function unreadableValue(field: RecipientField, error: EncryptionError, ciphertext: string): UnreadableValue {
  let keyId: string | undefined;
  try {
    // It names a key, not a person: safe to log.
    keyId = parseCiphertext(ciphertext).keyId;
  } catch {
    keyId = undefined;
  }
  return { field, code: error.code, ...(keyId ? { keyId } : {}) };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
