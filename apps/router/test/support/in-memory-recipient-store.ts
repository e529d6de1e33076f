import { randomBytes } from 'node:crypto';
import { BlindIndex } from '@switchboard/encryption';
import {
  type GoneSubscription,
  type ImportedProfile,
  type NewPushSubscription,
  type PushSubscriptionRegistration,
  type Recipient,
  type RecipientChanges,
  RecipientStore,
} from '../../src/recipients/recipient';

/** The recipient tables' rules without a database, for use-case specs. */
export class InMemoryRecipientStore extends RecipientStore {
  readonly recipients = new Map<string, Recipient>();

  constructor(
    private readonly now: () => Date = () => new Date(),
    /** Gone subscriptions are found by this index of their endpoint, as the PostgreSQL store finds them. */
    private readonly blindIndex: Pick<BlindIndex, 'compute'> = new BlindIndex(randomBytes(32)),
  ) {
    super();
  }

  async upsert(
    tenantId: string,
    recipientId: string,
    changes: RecipientChanges,
  ): Promise<{ recipient: Recipient; created: boolean }> {
    const existing = this.recipients.get(key(tenantId, recipientId));
    const recipient: Recipient = existing ?? {
      tenantId,
      recipientId,
      email: null,
      phone: null,
      timeZone: null,
      locale: null,
      attributes: {},
      pushSubscriptions: [],
      createdAt: this.now(),
      updatedAt: this.now(),
    };
    Object.assign(recipient, changes, { updatedAt: this.now() });
    this.recipients.set(key(tenantId, recipientId), recipient);
    return { recipient: structuredClone(recipient), created: !existing };
  }

  async update(
    tenantId: string,
    recipientId: string,
    change: (current: Recipient) => RecipientChanges,
  ): Promise<Recipient | undefined> {
    const recipient = this.recipients.get(key(tenantId, recipientId));
    if (!recipient) return undefined;
    Object.assign(recipient, change(structuredClone(recipient)), { updatedAt: this.now() });
    return structuredClone(recipient);
  }

  async importProfiles(tenantId: string, profiles: readonly ImportedProfile[]): Promise<Set<string>> {
    const created = new Set<string>();
    for (const { recipientId, profile } of profiles) {
      if ((await this.upsert(tenantId, recipientId, profile)).created) created.add(recipientId);
    }
    return created;
  }

  async find(tenantId: string, recipientId: string): Promise<Recipient | undefined> {
    const recipient = this.recipients.get(key(tenantId, recipientId));
    return recipient && structuredClone(recipient);
  }

  async delete(tenantId: string, recipientId: string): Promise<boolean> {
    return this.recipients.delete(key(tenantId, recipientId));
  }

  async addPushSubscription(
    tenantId: string,
    recipientId: string,
    subscription: NewPushSubscription,
    limit: number,
  ): Promise<PushSubscriptionRegistration> {
    const recipient = this.recipients.get(key(tenantId, recipientId));
    if (!recipient) return { outcome: 'recipient-not-found' };
    let created = true;
    for (const other of this.recipients.values()) {
      if (other.tenantId !== tenantId) continue;
      const before = other.pushSubscriptions.length;
      other.pushSubscriptions = other.pushSubscriptions.filter(
        (existing) => existing.endpoint !== subscription.endpoint,
      );
      if (other.pushSubscriptions.length !== before) created = false;
    }
    recipient.pushSubscriptions.push({ ...subscription, createdAt: this.now() });
    recipient.pushSubscriptions = recipient.pushSubscriptions.slice(-limit);
    recipient.updatedAt = this.now();
    return { outcome: 'registered', created, recipient: structuredClone(recipient) };
  }

  async removePushSubscription(tenantId: string, recipientId: string, endpoint: string): Promise<boolean> {
    const recipient = this.recipients.get(key(tenantId, recipientId));
    if (!recipient) return false;
    const before = recipient.pushSubscriptions.length;
    recipient.pushSubscriptions = recipient.pushSubscriptions.filter(
      (subscription) => subscription.endpoint !== endpoint,
    );
    return recipient.pushSubscriptions.length !== before;
  }

  async removeGoneSubscriptions(gone: readonly GoneSubscription[]): Promise<number> {
    let removed = 0;
    for (const subscription of gone) {
      const { tenantId, recipientId } = subscription;
      const recipient = this.recipients.get(key(tenantId, recipientId));
      if (!recipient) continue;
      const index = (endpoint: string) =>
        this.blindIndex.compute({ tenantId, kind: 'push-endpoint', value: endpoint });
      const goneIndex =
        'endpointIndex' in subscription ? subscription.endpointIndex : index(subscription.endpoint);
      const before = recipient.pushSubscriptions.length;
      recipient.pushSubscriptions = recipient.pushSubscriptions.filter(
        (stored) => index(stored.endpoint) !== goneIndex,
      );
      if (recipient.pushSubscriptions.length !== before) removed += 1;
    }
    return removed;
  }
}

function key(tenantId: string, recipientId: string): string {
  return JSON.stringify([tenantId, recipientId]);
}
