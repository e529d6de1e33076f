import {
  type ImportedRecipient,
  ImportRecipientsResponse,
  type PatchRecipientRequest,
  type RegisterPushSubscriptionRequest,
  RecipientView,
  type UpsertRecipientRequest,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal recipients API, scoped to one tenant per call. */
export class RouterRecipientClient {
  constructor(private readonly http: InternalServiceClient) {}

  upsert(tenantId: string, recipientId: string, request: UpsertRecipientRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(RecipientView, 'PUT', recipientPath(tenantId, recipientId), request);
  }

  patch(tenantId: string, recipientId: string, request: PatchRecipientRequest): Promise<UpstreamAnswer> {
    return this.http.requestChecked(RecipientView, 'PATCH', recipientPath(tenantId, recipientId), request);
  }

  /** Writes whole profiles in one call; the results' indexes are positions in `recipients`. */
  importRecipients(tenantId: string, recipients: readonly ImportedRecipient[]): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      ImportRecipientsResponse,
      'POST',
      `/internal/tenants/${encodeURIComponent(tenantId)}/recipients/batch`,
      { recipients },
    );
  }

  get(tenantId: string, recipientId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(RecipientView, 'GET', recipientPath(tenantId, recipientId));
  }

  delete(tenantId: string, recipientId: string): Promise<UpstreamAnswer> {
    return this.http.request('DELETE', recipientPath(tenantId, recipientId));
  }

  registerPushSubscription(
    tenantId: string,
    recipientId: string,
    request: RegisterPushSubscriptionRequest,
  ): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      RecipientView,
      'POST',
      `${recipientPath(tenantId, recipientId)}/push-subscriptions`,
      request,
    );
  }

  removePushSubscription(tenantId: string, recipientId: string, endpoint: string): Promise<UpstreamAnswer> {
    const query = new URLSearchParams({ endpoint }).toString();
    return this.http.request('DELETE', `${recipientPath(tenantId, recipientId)}/push-subscriptions?${query}`);
  }
}

function recipientPath(tenantId: string, recipientId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/recipients/${encodeURIComponent(recipientId)}`;
}
