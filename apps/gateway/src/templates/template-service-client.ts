import {
  type CreateTemplateRequest,
  type CreateTemplateVersionRequest,
  TemplateListView,
  TemplateView,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The template service's internal API, scoped to one tenant per call. */
export class TemplateServiceClient {
  constructor(private readonly http: InternalServiceClient) {}

  create(tenantId: string, request: CreateTemplateRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(TemplateView, 'POST', templatesPath(tenantId), request);
  }

  list(tenantId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(TemplateListView, 'GET', templatesPath(tenantId));
  }

  get(tenantId: string, key: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      TemplateView,
      'GET',
      `${templatesPath(tenantId)}/${encodeURIComponent(key)}`,
    );
  }

  createVersion(
    tenantId: string,
    key: string,
    request: CreateTemplateVersionRequest,
  ): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      TemplateView,
      'POST',
      `${templatesPath(tenantId)}/${encodeURIComponent(key)}/versions`,
      request,
    );
  }
}

function templatesPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/templates`;
}
