import type { UpstreamAnswer } from '../internal-services/internal-service-client';
import { NationalPhoneNumbers } from './national-phone-numbers';

function settingsWith(phoneRegion: string | null) {
  const calls: string[] = [];
  return {
    calls,
    client: {
      get: async (tenantId: string): Promise<UpstreamAnswer> => {
        calls.push(tenantId);
        return { status: 200, body: { phoneRegion } };
      },
    },
  };
}

describe('NationalPhoneNumbers', () => {
  it("writes a national number in E.164, read in the tenant's region", async () => {
    const { client } = settingsWith('DE');
    const numbers = new NationalPhoneNumbers(client);

    const body = await numbers.read('acme', { recipient: { phone: '0151 23456789' } }, [
      ['recipient', 'phone'],
    ]);

    expect(body).toEqual({ recipient: { phone: '+4915123456789' } });
  });

  it('reads every item of a batch and leaves E.164 numbers and the given body alone', async () => {
    const { client } = settingsWith('GB');
    const numbers = new NationalPhoneNumbers(client);
    const given = {
      messages: [{ recipient: { phone: '07400 123456' } }, { recipient: { phone: '+14155550123' } }],
    };

    const body = await numbers.read('acme', given, [['messages', '*', 'recipient', 'phone']]);

    expect(body).toEqual({
      messages: [{ recipient: { phone: '+447400123456' } }, { recipient: { phone: '+14155550123' } }],
    });
    expect(given.messages[0].recipient.phone).toBe('07400 123456');
  });

  it('asks the router only when a body has a national number, and once a minute per tenant', async () => {
    const { client, calls } = settingsWith('DE');
    let clock = 0;
    const numbers = new NationalPhoneNumbers(client, () => clock);

    await numbers.read('acme', { phone: '+4915123456789' }, [['phone']]);
    await numbers.read('acme', { phone: 'not a number' }, [['phone']]);
    expect(calls).toEqual([]);
    await numbers.read('acme', { phone: '0151 23456789' }, [['phone']]);
    await numbers.read('acme', { phone: '0151 23456780' }, [['phone']]);
    expect(calls).toEqual(['acme']);
    clock = 61_000;
    await numbers.read('acme', { phone: '0151 23456789' }, [['phone']]);
    expect(calls).toEqual(['acme', 'acme']);
  });

  it('leaves a national number as given when the tenant has no region or it cannot be read', async () => {
    expect(
      await new NationalPhoneNumbers(settingsWith(null).client).read('acme', { phone: '0151 23456789' }, [
        ['phone'],
      ]),
    ).toEqual({ phone: '0151 23456789' });
    expect(
      await new NationalPhoneNumbers(settingsWith('DE').client).read('acme', { phone: '12' }, [['phone']]),
    ).toEqual({ phone: '12' });
  });
});
