import type { ChannelName, CreateSuppressionRequest, SuppressionView } from '@switchboard/contracts';

/** An address the tenant must not send to on a channel (a bounce, a complaint, a request). */
export interface Suppression {
  tenantId: string;
  channel: ChannelName;
  address: string;
  reason: string;
  createdAt: Date;
}

export interface SuppressionLookup {
  tenantId: string;
  channel: ChannelName;
  address: string;
}

/** A suppression to add, for a tenant. */
export interface NewSuppression extends CreateSuppressionRequest {
  tenantId: string;
}

export abstract class SuppressionStore {
  /** Adds the suppression; when the address is already suppressed, returns that one unchanged. */
  abstract add(
    tenantId: string,
    request: CreateSuppressionRequest,
  ): Promise<{ suppression: Suppression; created: boolean }>;

  /**
   * Adds the suppressions in bulk; an address already suppressed keeps its first suppression.
   * How many were newly added.
   */
  abstract addMany(suppressions: readonly NewSuppression[]): Promise<number>;

  /** The suppressions on these addresses, compared without regard to case. */
  abstract findFor(lookups: SuppressionLookup[]): Promise<Suppression[]>;
}

/** Addresses compare case-insensitively, as the table's unique index on lower(address) does. */
export function suppressionKey(lookup: SuppressionLookup): string {
  return JSON.stringify([lookup.tenantId, lookup.channel, lookup.address.toLowerCase()]);
}

export function toSuppressionView(suppression: Suppression): SuppressionView {
  return {
    channel: suppression.channel,
    address: suppression.address,
    reason: suppression.reason,
    createdAt: suppression.createdAt.toISOString(),
  };
}
