import type { CreateSuppressionRequest } from '@switchboard/contracts';
import {
  type NewSuppression,
  type Suppression,
  type SuppressionLookup,
  SuppressionStore,
  suppressionKey,
} from './suppression';

/** The suppression table's rules without a database, for use-case specs. */
export class InMemorySuppressionStore extends SuppressionStore {
  readonly suppressions = new Map<string, Suppression>();

  constructor(private readonly now: () => Date = () => new Date()) {
    super();
  }

  async add(
    tenantId: string,
    request: CreateSuppressionRequest,
  ): Promise<{ suppression: Suppression; created: boolean }> {
    const key = suppressionKey({ tenantId, ...request });
    const existing = this.suppressions.get(key);
    if (existing) return { suppression: existing, created: false };
    const suppression = { tenantId, ...request, createdAt: this.now() };
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
    return lookups.flatMap((lookup) => {
      const found = this.suppressions.get(suppressionKey(lookup));
      return found ? [found] : [];
    });
  }
}
