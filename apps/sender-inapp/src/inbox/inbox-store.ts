import type { InappDispatch } from '@switchboard/contracts';

/** Whose inbox: a token names exactly one recipient of one tenant. */
export interface InboxOwner {
  tenantId: string;
  recipientId: string;
}

export interface StoredInboxItem extends InboxOwner {
  messageId: string;
  /** Insertion order as a decimal string (a bigint); newest has the largest. */
  sequence: string;
  title: string;
  body: string;
  actionUrl: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
  readAt: Date | null;
  archivedAt: Date | null;
}

export type InboxStatusFilter = 'unread' | 'read' | 'archived' | 'all';

export interface InboxChange {
  read?: boolean;
  archived?: boolean;
}

export interface UpdatedInboxItem {
  item: StoredInboxItem;
  /** The change read the item for the first time ever (not after an earlier read and unread). */
  firstRead: boolean;
  /** The change moved the item into the archive. */
  archived: boolean;
}

export interface StoreResult {
  /** Items inserted now, in the order given. */
  inserted: StoredInboxItem[];
  /** Items that were already stored (a redelivered dispatch), as they were stored. */
  existing: StoredInboxItem[];
}

/** The inbox table of this service. */
export interface InboxStore {
  /** Stores each dispatch once per (tenant, message id), all in one statement. */
  storeAll(dispatches: readonly InappDispatch[], createdAt: Date): Promise<StoreResult>;
  /** Newest first; `beforeSequence` continues a previous page. */
  list(
    owner: InboxOwner,
    query: { status: InboxStatusFilter; limit: number; beforeSequence?: string },
  ): Promise<StoredInboxItem[]>;
  /** Items stored after `sequence`, oldest first: what a reconnecting stream missed. */
  listAfter(owner: InboxOwner, sequence: string, limit: number): Promise<StoredInboxItem[]>;
  countUnread(owner: InboxOwner): Promise<number>;
  /** undefined when the message is not in this owner's inbox. */
  update(owner: InboxOwner, messageId: string, change: InboxChange): Promise<UpdatedInboxItem | undefined>;
  /** The items of the given sequences (announced by another replica). */
  findBySequences(sequences: readonly string[]): Promise<StoredInboxItem[]>;
}
