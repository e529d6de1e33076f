import {
  type DataKeyStore,
  type EncryptionError,
  type EncryptionErrorCode,
  type FieldEncryptor,
  isEncrypted,
  type JsonValue,
  parseCiphertext,
  type ValueToDecrypt,
} from '@switchboard/encryption';
import type { InboxOwner } from './inbox-store';

/**
 * The names the values are bound to (with tenant and recipient): a value copied into another
 * column, another recipient's inbox or another tenant does not decrypt.
 */
export const INBOX_ITEM_FIELDS = {
  title: 'inbox_items.title',
  body: 'inbox_items.body',
  actionUrl: 'inbox_items.action_url',
  data: 'inbox_items.data',
} as const;

export type InboxItemField = keyof typeof INBOX_ITEM_FIELDS;

/** What an item says to its recipient: the columns that are encrypted. */
export interface InboxItemContent {
  title: string;
  body: string;
  actionUrl: string | null;
  data: Record<string, unknown> | null;
}

/** The content as stored: each value a `sbenc:v1:` string (data too, as a jsonb string). */
export interface SealedInboxItemContent {
  title: string;
  body: string;
  actionUrl: string | null;
  data: string | null;
}

/** The content columns as read: ciphertext, or plaintext in rows not rewritten yet. */
export interface StoredInboxItemContent {
  title: string;
  body: string;
  actionUrl: string | null;
  /** A `sbenc:v1:` string, or the plaintext object of a row written before encryption. */
  data: unknown;
}

export interface UnreadableInboxValue {
  field: InboxItemField;
  code: EncryptionErrorCode;
  /** The data key the value names (no personal data), for an operator to look into. */
  keyId?: string;
}

/** An item's content in the clear, or why it cannot be shown (it alone, not the page). */
export type OpenedInboxItemContent =
  { ok: true; content: InboxItemContent } | { ok: false; unreadable: UnreadableInboxValue[] };

/**
 * Encryption of the inbox's content: title, body, action URL and data of each item, sealed with
 * the recipient's data key, so that erasing the recipient (destroying that key) makes every copy
 * unreadable, backups included. A batch costs one key lookup whatever its size. Rows written
 * before encryption are read as they are until EncryptPlaintextInboxItems has rewritten them.
 */
export class InboxItemEncryption {
  constructor(
    private readonly encryptor: FieldEncryptor,
    private readonly keys: Pick<DataKeyStore, 'destroyRecipientKey' | 'forgetRecipient'>,
  ) {}

  /** Each item's content as stored, in the order given; null action URL and data stay null. */
  async sealMany(
    items: ReadonlyArray<InboxOwner & { content: InboxItemContent }>,
  ): Promise<SealedInboxItemContent[]> {
    const values: Array<{ item: number; field: InboxItemField; value: JsonValue }> = [];
    items.forEach(({ content }, item) => {
      for (const field of ['title', 'body', 'actionUrl', 'data'] as const) {
        const value = content[field];
        if (value !== null && value !== undefined) values.push({ item, field, value: value as JsonValue });
      }
    });
    const sealed = await this.encryptor.encryptMany(
      values.map(({ item, field, value }) => ({
        value,
        context: {
          tenantId: items[item].tenantId,
          recipientId: items[item].recipientId,
          field: INBOX_ITEM_FIELDS[field],
        },
      })),
    );
    const results: SealedInboxItemContent[] = items.map(() => ({
      title: '',
      body: '',
      actionUrl: null,
      data: null,
    }));
    values.forEach(({ item, field }, index) => {
      results[item][field] = sealed[index];
    });
    return results;
  }

  /** Many items' content in the clear, in the order given, with one key lookup for all. */
  async openMany(
    items: ReadonlyArray<InboxOwner & { content: StoredInboxItemContent }>,
  ): Promise<OpenedInboxItemContent[]> {
    const wanted: ValueToDecrypt[] = [];
    const places: Array<{ item: number; field: InboxItemField }> = [];
    // Plaintext (a row not rewritten yet) is taken as it is; ciphertext is replaced below.
    const opened = items.map(({ tenantId, recipientId, content }, item) => {
      for (const field of ['title', 'body', 'actionUrl', 'data'] as const) {
        const value = content[field];
        if (!isEncrypted(value)) continue;
        wanted.push({
          ciphertext: value,
          context: { tenantId, recipientId, field: INBOX_ITEM_FIELDS[field] },
        });
        places.push({ item, field });
      }
      return {
        content: {
          title: content.title,
          body: content.body,
          actionUrl: content.actionUrl,
          data: isPlainObject(content.data) ? content.data : null,
        } as InboxItemContent,
        unreadable: [] as UnreadableInboxValue[],
      };
    });
    if (wanted.length > 0) {
      const results = await this.encryptor.decryptMany(wanted);
      results.forEach((result, index) => {
        const { item, field } = places[index];
        const target = opened[item];
        if (!result.ok) {
          target.unreadable.push(unreadableValue(field, result.error, wanted[index].ciphertext));
        } else if (field === 'data') {
          target.content.data = isPlainObject(result.value) ? result.value : null;
        } else {
          target.content[field] = String(result.value);
        }
      });
    }
    return opened.map(({ content, unreadable }) =>
      unreadable.length > 0 ? { ok: false, unreadable } : { ok: true, content },
    );
  }

  /**
   * Crypto-shredding of one recipient: destroys their data key, so every value sealed with it is
   * unreadable from now on, and drops it from this replica's cache. For erasure, after the rows.
   */
  async destroyRecipientKey(tenantId: string, recipientId: string): Promise<string | undefined> {
    const destroyed = await this.keys.destroyRecipientKey(tenantId, recipientId);
    this.keys.forgetRecipient(tenantId, recipientId);
    return destroyed;
  }
}

function unreadableValue(
  field: InboxItemField,
  error: EncryptionError,
  ciphertext: string,
): UnreadableInboxValue {
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
