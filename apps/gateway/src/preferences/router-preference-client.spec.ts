import type { InternalServiceClient } from '../internal-services/internal-service-client';
import { RouterPreferenceClient } from './router-preference-client';

function recordingHttp(calls: unknown[][]): InternalServiceClient {
  return {
    requestChecked: async (_schema: unknown, ...call: unknown[]) => {
      calls.push(call);
      return { status: 200, body: {} };
    },
  } as unknown as InternalServiceClient;
}

describe('RouterPreferenceClient', () => {
  it("calls the recipient's internal preferences routes, ids encoded", async () => {
    const calls: unknown[][] = [];
    const client = new RouterPreferenceClient(recordingHttp(calls));
    const preferences = { optedOut: true, categories: {}, channelOrder: null, quietHours: null };

    await client.get('acme', 'ada/1');
    await client.put('acme', 'ada', preferences);
    await client.optOut('acme', 'ada', 'marketing');
    await client.optOut('acme', 'ada', 'alert', 'sms');

    expect(calls).toEqual([
      ['GET', '/internal/tenants/acme/recipients/ada%2F1/preferences'],
      ['PUT', '/internal/tenants/acme/recipients/ada/preferences', preferences],
      ['POST', '/internal/tenants/acme/recipients/ada/preferences/opt-outs', { category: 'marketing' }],
      [
        'POST',
        '/internal/tenants/acme/recipients/ada/preferences/opt-outs',
        { category: 'alert', channel: 'sms' },
      ],
    ]);
  });
});
