import { Inject, Injectable } from '@nestjs/common';
import {
  ENCRYPTION,
  type Encryption,
  type EncryptionErrorCode,
  type FieldEncryptor,
  isEncrypted,
  type JsonValue,
  parseCiphertext,
  type ValueContext,
} from '@switchboard/encryption';

/**
 * The names a stored message's values are bound to (with tenant and recipient): a value copied
 * into another column, message or tenant does not decrypt.
 */
export const MESSAGE_FIELDS = {
  email: 'messages.recipient.email',
  phone: 'messages.recipient.phone',
  content: 'messages.content',
} as const;

/** A message's personal columns as stored: the recipient's id in the clear, the rest sealed. */
export interface SealedMessageValues {
  /** The recipient object with email and phone sealed; the id stays (erasure and export find by it). */
  recipient: Record<string, unknown>;
  /** The whole content (template data, or inline subject, text and html) as one sealed string. */
  content: string;
}

/** A message's personal columns as read: sealed, or (rows not rewritten yet) plaintext. */
export interface StoredMessageValues {
  tenantId: string;
  recipient: Record<string, unknown>;
  content: unknown;
}

export type OpenedMessageValues =
  | { ok: true; recipient: Record<string, unknown>; content: Record<string, unknown> }
  /** The values did not open: the recipient was erased (KEY_DESTROYED), or the row was tampered with. */
  | { ok: false; code: EncryptionErrorCode; keyId?: string };

/**
 * Encryption of ingest's stored messages: the recipient's email and phone and the message content,
 * sealed with the recipient's data key when the message names a recipient id (so that erasing them
 * shreds it), otherwise with the tenant's key (a message to a bare address is erased with the
 * tenant's retention). A batch costs one key query, sealing and opening alike.
 */
@Injectable()
export class MessageEncryption {
  private readonly encryptor: FieldEncryptor;

  constructor(@Inject(ENCRYPTION) encryption: Pick<Encryption, 'encryptor'>) {
    this.encryptor = encryption.encryptor;
  }

  async sealMany(
    messages: ReadonlyArray<{ tenantId: string; recipient: object; content: object }>,
  ): Promise<SealedMessageValues[]> {
    const values: Array<{ message: number; field: keyof typeof MESSAGE_FIELDS; value: JsonValue }> = [];
    messages.forEach(({ recipient, content }, message) => {
      const fields = recipient as Record<string, unknown>;
      for (const field of ['email', 'phone'] as const) {
        const value = fields[field];
        if (typeof value === 'string') values.push({ message, field, value });
      }
      values.push({ message, field: 'content', value: content as JsonValue });
    });
    const sealed = await this.encryptor.encryptMany(
      values.map(({ message, field, value }) => ({
        value,
        context: contextOf(messages[message].tenantId, messages[message].recipient, field),
      })),
    );
    const results = messages.map(({ recipient }) => ({
      recipient: { ...(recipient as Record<string, unknown>) },
      content: '',
    }));
    values.forEach(({ message, field }, index) => {
      if (field === 'content') results[message].content = sealed[index];
      else results[message].recipient[field] = sealed[index];
    });
    return results;
  }

  /** The values in the clear, in order; plaintext rows are taken as they are. */
  async openMany(stored: readonly StoredMessageValues[]): Promise<OpenedMessageValues[]> {
    const wanted: Array<{ message: number; field: keyof typeof MESSAGE_FIELDS; ciphertext: string }> = [];
    stored.forEach(({ recipient, content }, message) => {
      for (const field of ['email', 'phone'] as const) {
        const value = recipient[field];
        if (isEncrypted(value)) wanted.push({ message, field, ciphertext: value });
      }
      if (isEncrypted(content)) wanted.push({ message, field: 'content', ciphertext: content });
    });
    const opened: OpenedMessageValues[] = stored.map(({ recipient, content }) => ({
      ok: true,
      recipient: { ...recipient },
      content: isEncrypted(content) ? {} : (content as Record<string, unknown>),
    }));
    if (wanted.length === 0) return opened;
    const results = await this.encryptor.decryptMany(
      wanted.map(({ message, field, ciphertext }) => ({
        ciphertext,
        context: contextOf(stored[message].tenantId, stored[message].recipient, field),
      })),
    );
    results.forEach((result, index) => {
      const { message, field, ciphertext } = wanted[index];
      const target = opened[message];
      if (!target.ok) return;
      if (!result.ok) {
        opened[message] = { ok: false, code: result.error.code, ...keyIdOf(ciphertext) };
        return;
      }
      if (field === 'content') target.content = result.value as Record<string, unknown>;
      else target.recipient[field] = result.value;
    });
    return opened;
  }
}

function contextOf(tenantId: string, recipient: object, field: keyof typeof MESSAGE_FIELDS): ValueContext {
  const recipientId = (recipient as { id?: unknown }).id;
  return {
    tenantId,
    ...(typeof recipientId === 'string' ? { recipientId } : {}),
    field: MESSAGE_FIELDS[field],
  };
}

function keyIdOf(ciphertext: string): { keyId?: string } {
  try {
    // It names a key, not a person: safe to log.
    return { keyId: parseCiphertext(ciphertext).keyId };
  } catch {
    return {};
  }
}
