import { ERASING_SERVICES, type ErasingService, type ErasureView } from '@switchboard/contracts';
import { GatewayError } from '../gateway-error';
import type { ErasureRepository, StoredErasure } from './erasure.repository';

/**
 * An erasure's status, as honest as the confirmations allow: complete only once the router,
 * ingest and the in-app sender each confirmed their part durable, and analytics scrubbed the
 * history of every message ingest erased.
 */
export class GetErasure {
  constructor(private readonly store: ErasureRepository) {}

  async execute(tenantId: string, erasureId: string): Promise<ErasureView> {
    const erasure = await this.store.find(tenantId, erasureId);
    if (erasure === undefined) {
      throw new GatewayError('ERASURE_NOT_FOUND', `the tenant has no erasure ${erasureId}`);
    }
    return erasureView(erasure);
  }
}

export function erasureView(erasure: StoredErasure): ErasureView {
  const services = ERASING_SERVICES.map((service: ErasingService) => {
    const confirmedAt = erasure.confirmed.get(service) ?? null;
    return { service, confirmed: confirmedAt !== null, confirmedAt: confirmedAt?.toISOString() ?? null };
  });
  const ingestConfirmedAt = erasure.confirmed.get('ingest');
  const historyScrubbed =
    ingestConfirmedAt !== undefined && erasure.scrubbedMessages >= erasure.erasedMessages;
  const analyticsConfirmedAt = historyScrubbed ? (erasure.lastScrubbedAt ?? ingestConfirmedAt) : null;
  services.push({
    service: 'analytics',
    confirmed: historyScrubbed,
    confirmedAt: analyticsConfirmedAt?.toISOString() ?? null,
  });
  return {
    erasureId: erasure.erasureId,
    requestedAt: erasure.requestedAt.toISOString(),
    complete: services.every((service) => service.confirmed),
    services,
    messages: { erased: erasure.erasedMessages, historyScrubbed: erasure.scrubbedMessages },
  };
}
