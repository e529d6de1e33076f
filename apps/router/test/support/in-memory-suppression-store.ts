import {
  type NewSuppression,
  type Suppression,
  type SuppressionListQuery,
  type SuppressionLookup,
  type SuppressionRemoval,
  SuppressionStore,
  type SuppressionToAdd,
  suppressionEntryKey,
  suppressionKey,
} from '../../src/suppressions/suppression';

/** The suppression table's rules without a database, for use-case specs. */
export class InMemorySuppressionStore extends SuppressionStore {
  readonly suppressions = new Map<string, Suppression>();
  private lastId = 0;

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  async add(
    tenantId: string,
    request: SuppressionToAdd,
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const key = suppressionEntryKey({ tenantId, ...request });
    const existing = this.suppressions.get(key);
    if (existing) return { suppression: existing, created: false };
    this.lastId += 1;
    const suppression: Suppression = {
      id: String(this.lastId),
      tenantId,
      channel: request.channel,
      address: request.address,
      reason: request.reason,
      ...(request.category === undefined ? {} : { category: request.category }),
      source: request.source ?? 'api',
      createdAt: this.now(),
    };
    this.suppressions.set(key, suppression);
    return { suppression, created: true };
  }

  async addMany(suppressions: readonly NewSuppression[]): Promise<number> {
    let created = 0;
    for (const { tenantId, ...request } of suppressions) {
      if ((await this.add(tenantId, request)).created) created += 1;
    }
    return created;
  }

  async findFor(lookups: SuppressionLookup[]): Promise<Suppression[]> {
    const wanted = new Set(lookups.map(suppressionKey));
    return [...this.suppressions.values()].filter((suppression) => wanted.has(suppressionKey(suppression)));
  }

  async list(query: SuppressionListQuery): Promise<Suppression[]> {
    return [...this.suppressions.values()]
      .filter(
        (suppression) =>
          suppression.tenantId === query.tenantId &&
          (query.channel === undefined || suppression.channel === query.channel) &&
          (query.address === undefined ||
            suppression.address.toLowerCase() === query.address.toLowerCase()) &&
          (query.beforeId === undefined || Number(suppression.id) < Number(query.beforeId)),
      )
      .sort((left, right) => Number(right.id) - Number(left.id))
      .slice(0, query.limit);
  }

  async remove(removal: SuppressionRemoval): Promise<boolean> {
    const key = suppressionEntryKey(removal);
    const existing = this.suppressions.get(key);
    if (!existing || (removal.source !== undefined && existing.source !== removal.source)) return false;
    return this.suppressions.delete(key);
  }
}
