import type { InboxOwner, StoredInboxItem } from '../inbox/inbox-store';

export type InboxItemListener = (item: StoredInboxItem) => void;

/** This replica's connected streams, by recipient: new items go straight to their listeners. */
export class InboxLiveFeed {
  private readonly listeners = new Map<string, Set<InboxItemListener>>();

  /** Returns the function that stops listening. */
  subscribe(owner: InboxOwner, listener: InboxItemListener): () => void {
    const key = ownerKey(owner);
    const set = this.listeners.get(key) ?? new Set<InboxItemListener>();
    set.add(listener);
    this.listeners.set(key, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(key) === set) this.listeners.delete(key);
    };
  }

  hasListeners(owner: InboxOwner): boolean {
    return this.listeners.has(ownerKey(owner));
  }

  deliver(items: readonly StoredInboxItem[]): void {
    for (const item of items) {
      for (const listener of this.listeners.get(ownerKey(item)) ?? []) listener(item);
    }
  }
}

function ownerKey(owner: InboxOwner): string {
  return JSON.stringify([owner.tenantId, owner.recipientId]);
}
