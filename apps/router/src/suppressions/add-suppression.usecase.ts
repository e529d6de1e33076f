import type { AddSuppressionRequest, SuppressionView } from '@switchboard/contracts';
import { SuppressionStore, toSuppressionView } from './suppression';

/**
 * Adding an address that is already suppressed (for that category) is not an error: bounce feeds
 * and STOP replies repeat themselves.
 */
export class AddSuppression {
  constructor(private readonly store: SuppressionStore) {}

  async execute(
    tenantId: string,
    request: AddSuppressionRequest,
  ): Promise<{ suppression: SuppressionView; created: boolean }> {
    const { suppression, created } = await this.store.add(tenantId, request);
    return { suppression: toSuppressionView(suppression), created };
  }
}
