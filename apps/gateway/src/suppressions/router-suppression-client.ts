import { type CreateSuppressionRequest, SuppressionView } from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal suppression API, scoped to one tenant per call. */
export class RouterSuppressionClient {
  constructor(private readonly http: InternalServiceClient) {}

  /** 201 when the address is newly suppressed, 200 with the existing suppression when it already was. */
  create(tenantId: string, request: CreateSuppressionRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      SuppressionView,
      'POST',
      `/internal/tenants/${encodeURIComponent(tenantId)}/suppressions`,
      request,
    );
  }
}
