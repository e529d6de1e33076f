import { Inject, Injectable } from '@nestjs/common';
import type { MessageAccepted, RenderRequested } from '@switchboard/contracts';
import {
  type DataKeySource,
  ENCRYPTION,
  type FieldEncryptor,
  isEncrypted,
  type JsonValue,
  type ValueContext,
} from '@switchboard/encryption';

/** The names the router's message values are bound to (with tenant and recipient). */
export const ROUTING_FIELDS = {
  decisionAddress: 'decisions.address',
  renderRequests: 'decisions.render_requests',
  recipientEmail: 'messages.recipient.email',
  recipientPhone: 'messages.recipient.phone',
  content: 'messages.content',
} as const;

type RoutingField = keyof typeof ROUTING_FIELDS;

/** Whose key seals a value: the recipient's when the message names a recipient id, else the tenant's. */
export interface ValueOwner {
  tenantId: string;
  recipientId?: string;
}

/** A decision's personal columns as stored. */
export interface SealedDecisionValues {
  /** Null: the address is sealed with the render requests. */
  address: string | null;
  /** The address and the render requests (addresses, template data) as one sealed string. */
  renderRequests: string;
}

/** A message as the router stores it (a deferral, a recurring schedule): recipient email, phone and content sealed. */
export type Stored<T> = Omit<T, 'recipient' | 'content'> & {
  recipient: Record<string, unknown>;
  content: unknown;
};
export type StoredMessage = Stored<MessageAccepted>;

/** What holds a message's personal values: its recipient's email and phone, and its content. */
interface PersonalParts {
  recipient: { id?: string; email?: string; phone?: string };
  content: unknown;
}

/**
 * Encryption of what the router keeps of a message: a decision's address and render requests, and
 * a deferred or recurring message's recipient email, phone and content. Sealed with the recipient's
 * data key when the message names a recipient id (so erasing them shreds it), else the tenant's.
 * Values that do not open (an erased recipient) read as absent; plaintext rows written before are
 * read as they are (they go with the retention period).
 */
@Injectable()
export class RoutingEncryption {
  constructor(
    @Inject(ENCRYPTION)
    private readonly encryption: { encryptor: FieldEncryptor; keys: Pick<DataKeySource, 'keysFor'> },
  ) {}

  /**
   * Loads the owners' keys into the cache before a transaction that seals, so that sealing runs no
   * key query on another connection while it is open (the embedded database would make it wait).
   */
  async prepare(owners: readonly ValueOwner[]): Promise<void> {
    if (owners.length > 0) await this.encryption.keys.keysFor(owners);
  }

  /**
   * A decision's address and render requests as one sealed value in `render_requests` (one nonce
   * and one cipher per decision: routing seals every decision), the address column left null.
   */
  async sealDecisions(
    decisions: ReadonlyArray<{ owner: ValueOwner; address?: string; renderRequests: RenderRequested[] }>,
  ): Promise<SealedDecisionValues[]> {
    const sealed = await this.seal(
      decisions.map(({ owner, address, renderRequests }) => ({
        owner,
        field: 'renderRequests' as const,
        value: { address: address ?? null, renderRequests } as unknown as JsonValue,
      })),
    );
    return sealed.map((renderRequests) => ({ address: null, renderRequests }));
  }

  /**
   * Decisions' address and render requests in the clear; plaintext rows (written before) as they
   * are, and what does not open (an erased recipient) as no address and no render requests.
   */
  async openDecisions(
    stored: ReadonlyArray<{ owner: ValueOwner; address: string | null; renderRequests: unknown }>,
  ): Promise<Array<{ address: string | null; renderRequests: RenderRequested[] }>> {
    const opened = await this.open(
      stored.flatMap(({ owner, address, renderRequests }) => [
        { owner, field: 'decisionAddress' as const, value: address },
        { owner, field: 'renderRequests' as const, value: renderRequests },
      ]),
    );
    return stored.map((_, index) => {
      const column = opened[index * 2];
      const values = opened[index * 2 + 1];
      if (Array.isArray(values)) {
        return {
          address: typeof column === 'string' ? column : null,
          renderRequests: values as RenderRequested[],
        };
      }
      const sealed = isPlainObject(values) ? values : {};
      return {
        address: typeof sealed.address === 'string' ? sealed.address : null,
        renderRequests: Array.isArray(sealed.renderRequests)
          ? (sealed.renderRequests as RenderRequested[])
          : [],
      };
    });
  }

  /** Messages as stored: the recipient id and everything else readable, email, phone and content sealed. */
  sealMessages(messages: readonly MessageAccepted[]): Promise<StoredMessage[]> {
    return this.sealMessagesOf(messages.map((message) => ({ tenantId: message.tenantId, message })));
  }

  /** Messages of these tenants as stored (a recurring schedule's message names no tenant itself). */
  async sealMessagesOf<T extends PersonalParts>(
    items: ReadonlyArray<{ tenantId: string; message: T }>,
  ): Promise<Array<Stored<T>>> {
    const values: Array<{ item: number; field: RoutingField; value: JsonValue }> = [];
    items.forEach(({ message: { recipient, content } }, item) => {
      if (recipient.email !== undefined)
        values.push({ item, field: 'recipientEmail', value: recipient.email });
      if (recipient.phone !== undefined)
        values.push({ item, field: 'recipientPhone', value: recipient.phone });
      values.push({ item, field: 'content', value: content as JsonValue });
    });
    const sealed = await this.seal(
      values.map(({ item, field, value }) => ({
        owner: ownerOf({ tenantId: items[item].tenantId, recipient: items[item].message.recipient }),
        field,
        value,
      })),
    );
    const results = items.map(
      ({ message }) => ({ ...message, recipient: { ...message.recipient } }) as unknown as Stored<T>,
    );
    values.forEach(({ item, field }, index) => {
      if (field === 'recipientEmail') results[item].recipient.email = sealed[index];
      else if (field === 'recipientPhone') results[item].recipient.phone = sealed[index];
      else results[item].content = sealed[index];
    });
    return results;
  }

  /**
   * Messages in the clear, in order; one whose values no longer open (its recipient erased) is
   * undefined, as there is nothing left to send.
   */
  openMessages(stored: readonly StoredMessage[]): Promise<Array<MessageAccepted | undefined>> {
    return this.openMessagesOf(stored.map((message) => ({ tenantId: message.tenantId, message })));
  }

  /** As openMessages, for messages of these tenants. */
  async openMessagesOf<T extends PersonalParts>(
    items: ReadonlyArray<{ tenantId: string; message: Stored<T> }>,
  ): Promise<Array<T | undefined>> {
    const opened = await this.open(
      items.flatMap(({ tenantId, message }) => {
        const owner = ownerOf({ tenantId, recipient: message.recipient });
        return [
          { owner, field: 'recipientEmail' as const, value: message.recipient.email },
          { owner, field: 'recipientPhone' as const, value: message.recipient.phone },
          { owner, field: 'content' as const, value: message.content },
        ];
      }),
    );
    return items.map(({ message }, index) => {
      const [email, phone, content] = opened.slice(index * 3, index * 3 + 3);
      if ([email, phone, content].some((value) => value === UNREADABLE)) return undefined;
      return {
        ...message,
        recipient: {
          ...message.recipient,
          ...(email === undefined ? {} : { email }),
          ...(phone === undefined ? {} : { phone }),
        },
        content,
      } as unknown as T;
    });
  }

  private seal(
    values: ReadonlyArray<{ owner: ValueOwner; field: RoutingField; value: JsonValue }>,
  ): Promise<string[]> {
    return this.encryption.encryptor.encryptMany(
      values.map(({ owner, field, value }) => ({ value, context: contextOf(owner, field) })),
    );
  }

  /** Each value in the clear: plaintext as it is, ciphertext opened (UNREADABLE when it does not open). */
  private async open(
    values: ReadonlyArray<{ owner: ValueOwner; field: RoutingField; value: unknown }>,
  ): Promise<unknown[]> {
    const results: unknown[] = values.map(({ value }) => value);
    const sealed = values.flatMap((value, index) => (isEncrypted(value.value) ? [index] : []));
    if (sealed.length === 0) return results;
    const opened = await this.encryption.encryptor.decryptMany(
      sealed.map((index) => ({
        ciphertext: values[index].value as string,
        context: contextOf(values[index].owner, values[index].field),
      })),
    );
    opened.forEach((result, position) => {
      results[sealed[position]] = result.ok ? result.value : UNREADABLE;
    });
    return results;
  }
}

const UNREADABLE = Symbol('unreadable');

export function ownerOf(message: { tenantId: string; recipient: { id?: unknown } }): ValueOwner {
  return typeof message.recipient.id === 'string'
    ? { tenantId: message.tenantId, recipientId: message.recipient.id }
    : { tenantId: message.tenantId };
}

function contextOf(owner: ValueOwner, field: RoutingField): ValueContext {
  return { ...owner, field: ROUTING_FIELDS[field] };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
