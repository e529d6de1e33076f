import {
  type AddSuppressionRequest,
  type ChannelName,
  type ListSuppressionsQuery,
  type RemoveSuppressionQuery,
  SuppressionPage,
  SuppressionView,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal suppression API, scoped to one tenant per call. */
export class RouterSuppressionClient {
  constructor(private readonly http: InternalServiceClient) {}

  /** 201 when the address is newly suppressed, 200 with the existing suppression when it already was. */
  create(tenantId: string, request: AddSuppressionRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(SuppressionView, 'POST', suppressionsPath(tenantId), request);
  }

  list(tenantId: string, query: ListSuppressionsQuery): Promise<UpstreamAnswer> {
    const search = new URLSearchParams({ limit: String(query.limit) });
    if (query.channel !== undefined) search.set('channel', query.channel);
    if (query.address !== undefined) search.set('address', query.address);
    if (query.cursor !== undefined) search.set('cursor', query.cursor);
    return this.http.requestChecked(
      SuppressionPage,
      'GET',
      `${suppressionsPath(tenantId)}?${search.toString()}`,
    );
  }

  /** 204 when removed, 404 when there was no such suppression. */
  remove(
    tenantId: string,
    channel: ChannelName,
    address: string,
    query: RemoveSuppressionQuery,
  ): Promise<UpstreamAnswer> {
    const search = new URLSearchParams();
    if (query.category !== undefined) search.set('category', query.category);
    if (query.source !== undefined) search.set('source', query.source);
    const path = `${suppressionsPath(tenantId)}/${channel}/${encodeURIComponent(address)}`;
    return this.http.request('DELETE', search.size === 0 ? path : `${path}?${search.toString()}`);
  }
}

function suppressionsPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/suppressions`;
}
