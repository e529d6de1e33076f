import { type CreateTriggerRequest, TriggerListView, TriggerView } from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The ingest service's internal trigger API, scoped to one tenant per call. */
export class IngestTriggerClient {
  constructor(private readonly http: InternalServiceClient) {}

  create(tenantId: string, request: CreateTriggerRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(TriggerView, 'POST', triggersPath(tenantId), request);
  }

  list(tenantId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(TriggerListView, 'GET', triggersPath(tenantId));
  }
}

function triggersPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/triggers`;
}
