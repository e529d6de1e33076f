import type {
  AddSuppressionRequest,
  ChannelName,
  SuppressionSourceName,
  SuppressionView,
} from '@switchboard/contracts';

/** An address the tenant must not send to on a channel (a bounce, a complaint, a request, a STOP). */
export interface Suppression {
  /** The row's id: the order of the list, newest first. */
  id: string;
  tenantId: string;
  channel: ChannelName;
  address: string;
  reason: string;
  /** Only messages of this category are suppressed; absent: every category. */
  category?: string;
  source: SuppressionSourceName;
  createdAt: Date;
}

export interface SuppressionLookup {
  tenantId: string;
  channel: ChannelName;
  address: string;
}

/** A suppression to add; without a source it was added through the tenant's API. */
export type SuppressionToAdd = Omit<AddSuppressionRequest, 'source'> & { source?: SuppressionSourceName };

/** A suppression to add, for a tenant. */
export type NewSuppression = SuppressionToAdd & { tenantId: string };

/** Which suppression to remove: the one of a category, or without one the one of every category. */
export interface SuppressionRemoval extends SuppressionLookup {
  category?: string;
  /** Only if this added it. */
  source?: SuppressionSourceName;
}

export interface SuppressionListQuery {
  tenantId: string;
  channel?: ChannelName;
  address?: string;
  limit: number;
  /** Only suppressions older than this id (the last of the previous page). */
  beforeId?: string;
}

export abstract class SuppressionStore {
  /** Adds the suppression; when the address is already suppressed for that category, returns that one unchanged. */
  abstract add(
    tenantId: string,
    request: SuppressionToAdd,
  ): Promise<{ suppression: Suppression; created: boolean }>;

  /**
   * Adds the suppressions in bulk; an address already suppressed for a category keeps its first
   * suppression. How many were newly added.
   */
  abstract addMany(suppressions: readonly NewSuppression[]): Promise<number>;

  /**
   * The suppressions on these addresses, compared without regard to case, in one query: those of
   * every category and those of one category alike (see appliesToCategory).
   */
  abstract findFor(lookups: SuppressionLookup[]): Promise<Suppression[]>;

  /** A tenant's suppressions, newest first. */
  abstract list(query: SuppressionListQuery): Promise<Suppression[]>;

  /** Whether a suppression was removed. */
  abstract remove(removal: SuppressionRemoval): Promise<boolean>;
}

/**
 * The address a suppression is on, compared case-insensitively as the table's unique index does.
 * One address may have several suppressions (one per category), which share this key.
 */
export function suppressionKey(lookup: SuppressionLookup): string {
  return JSON.stringify([lookup.tenantId, lookup.channel, lookup.address.toLowerCase()]);
}

/** What the table keeps unique: the address and the category (none: every category). */
export function suppressionEntryKey(suppression: SuppressionLookup & { category?: string }): string {
  return JSON.stringify([suppressionKey(suppression), suppression.category ?? null]);
}

/** Whether a suppression stops a message of this category (a message without one: only a suppression of every category). */
export function appliesToCategory(suppression: Pick<Suppression, 'category'>, category?: string): boolean {
  return suppression.category === undefined || suppression.category === category;
}

export function toSuppressionView(suppression: Suppression): SuppressionView {
  return {
    channel: suppression.channel,
    address: suppression.address,
    reason: suppression.reason,
    category: suppression.category ?? null,
    source: suppression.source,
    createdAt: suppression.createdAt.toISOString(),
  };
}

/**
 * The suppressions found for a batch (findFor), by address, answering which one stops a message
 * of a category: the suppression of every category before that of the category itself.
 */
export class SuppressionIndex {
  private readonly byAddress = new Map<string, Suppression[]>();

  constructor(suppressions: readonly Suppression[]) {
    for (const suppression of suppressions) {
      const key = suppressionKey(suppression);
      this.byAddress.set(key, [...(this.byAddress.get(key) ?? []), suppression]);
    }
  }

  find(lookup: SuppressionLookup, category?: string): Suppression | undefined {
    const found = (this.byAddress.get(suppressionKey(lookup)) ?? []).filter((suppression) =>
      appliesToCategory(suppression, category),
    );
    return found.find((suppression) => suppression.category === undefined) ?? found[0];
  }
}
