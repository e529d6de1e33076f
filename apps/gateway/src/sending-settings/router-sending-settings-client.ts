import { type SendingSettings, SendingSettingsView } from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/** The router's internal sending settings API, scoped to one tenant per call. */
export class RouterSendingSettingsClient {
  constructor(private readonly http: InternalServiceClient) {}

  get(tenantId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(SendingSettingsView, 'GET', sendingSettingsPath(tenantId));
  }

  put(tenantId: string, settings: SendingSettings): Promise<UpstreamAnswer> {
    return this.http.requestChecked(SendingSettingsView, 'PUT', sendingSettingsPath(tenantId), settings);
  }
}

function sendingSettingsPath(tenantId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/sending-settings`;
}
