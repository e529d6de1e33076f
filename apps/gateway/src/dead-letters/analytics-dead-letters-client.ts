import {
  DeadLetterPage,
  type ListDeadLettersQuery,
  type RedriveDeadLettersRequest,
  RedriveDeadLettersResponse,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The analytics service's internal dead-letter API, scoped to one tenant per call. */
export class AnalyticsDeadLettersClient {
  constructor(private readonly http: InternalServiceClient) {}

  list(tenantId: string, query: ListDeadLettersQuery): Promise<UpstreamAnswer> {
    const search = new URLSearchParams({ status: query.status, limit: String(query.limit) });
    if (query.topic !== undefined) search.set('topic', query.topic);
    if (query.cursor !== undefined) search.set('cursor', query.cursor);
    return this.http.requestChecked(
      DeadLetterPage,
      'GET',
      `/internal/dead-letters/${encodeURIComponent(tenantId)}?${search.toString()}`,
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
}
