import {
  type CreateMessageTypeRequest,
  MessageTypeListView,
  MessageTypeView,
  type PutMessageTypeRequest,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal message types API, scoped to one tenant per call. */
export class RouterMessageTypeClient {
  constructor(private readonly http: InternalServiceClient) {}

  create(tenantId: string, request: CreateMessageTypeRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(MessageTypeView, 'POST', messageTypesPath(tenantId), request);
  }

  list(tenantId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(MessageTypeListView, 'GET', messageTypesPath(tenantId));
  }

  get(tenantId: string, key: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(MessageTypeView, 'GET', messageTypePath(tenantId, key));
  }

  put(tenantId: string, key: string, request: PutMessageTypeRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(MessageTypeView, 'PUT', messageTypePath(tenantId, key), request);
  }
}

function messageTypesPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/message-types`;
}

function messageTypePath(tenantId: string, key: string): string {
  return `${messageTypesPath(tenantId)}/${encodeURIComponent(key)}`;
}
