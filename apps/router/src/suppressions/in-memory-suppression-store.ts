import type { CreateSuppressionRequest } from '@switchboard/contracts';
import { type Suppression, type SuppressionLookup, SuppressionStore, suppressionKey } from './suppression';

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

  async findFor(lookups: SuppressionLookup[]): Promise<Suppression[]> {
    return lookups.flatMap((lookup) => {
      const found = this.suppressions.get(suppressionKey(lookup));
      return found ? [found] : [];
    });
  }
}
