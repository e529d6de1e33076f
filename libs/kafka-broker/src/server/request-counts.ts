import { apiName } from '../protocol/api-keys';

/** Requests one client id made of one API since the broker started. */
export interface RequestCount {
  clientId: string;
  api: string;
  requests: number;
}

/**
 * Requests by client id and API, counted as they arrive: what each client costs the broker in
 * round trips (a fetch, a commit, a produce per message shows up here before it shows in CPU).
 */
export class RequestCounts {
  private readonly counts = new Map<string, Map<number, number>>();

  count(clientId: string | null, apiKey: number): void {
    const client = clientId ?? '';
    let byApi = this.counts.get(client);
    if (!byApi) this.counts.set(client, (byApi = new Map()));
    byApi.set(apiKey, (byApi.get(apiKey) ?? 0) + 1);
  }

  snapshot(): RequestCount[] {
    return [...this.counts].flatMap(([clientId, byApi]) =>
      [...byApi].map(([apiKey, requests]) => ({ clientId, api: apiName(apiKey), requests })),
    );
  }
}
