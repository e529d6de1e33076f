import {
  DeadLetterPage,
  type ListDeadLettersQuery,
  type ListOperatorDeadLettersQuery,
  OperatorDeadLetterPage,
  type OperatorRedriveDeadLettersRequest,
  type RedriveDeadLettersRequest,
  RedriveDeadLettersResponse,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The analytics service's internal dead-letter API: scoped to one tenant per call, or for operators. */
export class AnalyticsDeadLettersClient {
  constructor(private readonly http: InternalServiceClient) {}

  list(tenantId: string, query: ListDeadLettersQuery): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      DeadLetterPage,
      'GET',
      `/internal/dead-letters/${encodeURIComponent(tenantId)}?${listSearch(query).toString()}`,
    );
  }

  redrive(tenantId: string, request: RedriveDeadLettersRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      RedriveDeadLettersResponse,
      'POST',
      `/internal/dead-letters/${encodeURIComponent(tenantId)}/redrive`,
      request,
    );
  }

  /** Every tenant's dead letters, and those without a tenant; only for an authenticated operator. */
  listForOperator(query: ListOperatorDeadLettersQuery): Promise<UpstreamAnswer> {
    const search = listSearch(query);
    if (query.tenant !== undefined) search.set('tenant', query.tenant);
    if (query.withoutTenant !== undefined) search.set('withoutTenant', String(query.withoutTenant));
    return this.http.requestChecked(
      OperatorDeadLetterPage,
      'GET',
      `/internal/operator/dead-letters?${search.toString()}`,
    );
  }

  redriveForOperator(request: OperatorRedriveDeadLettersRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      RedriveDeadLettersResponse,
      'POST',
      '/internal/operator/dead-letters/redrive',
      request,
    );
  }
}

function listSearch(query: ListDeadLettersQuery): URLSearchParams {
  const search = new URLSearchParams({ status: query.status, limit: String(query.limit) });
  if (query.topic !== undefined) search.set('topic', query.topic);
  if (query.cursor !== undefined) search.set('cursor', query.cursor);
  return search;
}
