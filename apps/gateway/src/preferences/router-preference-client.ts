import {
  type ChannelName,
  type RecipientPreferences,
  RecipientPreferencesView,
} from '@switchboard/contracts';
import type { InternalServiceClient, UpstreamAnswer } from '../internal-services/internal-service-client';

/**
 * The router's internal preferences API, scoped to one tenant and recipient per call. Answers are
 * RecipientPreferencesView; an unknown recipient is a 404 passed through.
 */
export class RouterPreferenceClient {
  constructor(private readonly http: InternalServiceClient) {}

  /** A recipient with no preferences stored gets the defaults with `updatedAt: null`. */
  get(tenantId: string, recipientId: string): Promise<UpstreamAnswer> {
    return this.http.requestChecked(RecipientPreferencesView, 'GET', preferencesPath(tenantId, recipientId));
  }

  /** Replaces every preference of the recipient. */
  put(tenantId: string, recipientId: string, preferences: RecipientPreferences): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      RecipientPreferencesView,
      'PUT',
      preferencesPath(tenantId, recipientId),
      preferences,
    );
  }

  /**
   * Opts the recipient out of a category (or only of one channel within it), keeping every other
   * preference; idempotent, so a repeated one-click unsubscribe is harmless.
   */
  optOut(
    tenantId: string,
    recipientId: string,
    category: string,
    channel?: ChannelName,
  ): Promise<UpstreamAnswer> {
    return this.http.requestChecked(
      RecipientPreferencesView,
      'POST',
      `${preferencesPath(tenantId, recipientId)}/opt-outs`,
      channel === undefined ? { category } : { category, channel },
    );
  }
}

function preferencesPath(tenantId: string, recipientId: string): string {
  return `/internal/tenants/${encodeURIComponent(tenantId)}/recipients/${encodeURIComponent(recipientId)}/preferences`;
}
