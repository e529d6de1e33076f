import type { CreateSuppressionRequest, SuppressionView } from '@switchboard/contracts';
import { SuppressionStore, toSuppressionView } from './suppression';

/** Adding an address that is already suppressed is not an error: bounce feeds repeat themselves. */
export class AddSuppression {
  constructor(private readonly store: SuppressionStore) {}

  async execute(
    tenantId: string,
    request: CreateSuppressionRequest,
  ): Promise<{ suppression: SuppressionView; created: boolean }> {
    const { suppression, created } = await this.store.add(tenantId, request);
    return { suppression: toSuppressionView(suppression), created };
  }
}
