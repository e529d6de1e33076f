import { CancelMessageResponse } from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal API for one message: the router decides whether it can still be stopped. */
export class RouterMessageClient {
  constructor(private readonly http: InternalServiceClient) {}

  /** 200 cancelled, 202 cancelling (the router has not decided on it yet), 409 already sent. */
  cancel(tenantId: string, messageId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      CancelMessageResponse,
      'POST',
      `/internal/tenants/${encodeURIComponent(tenantId)}/messages/${encodeURIComponent(messageId)}/cancel`,
    );
  }
}
