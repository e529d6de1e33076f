import { snsClientConfig } from './sns-client-config';

describe('snsClientConfig', () => {
  it("turns the SDK retries off: every retry is the sender's own, through the retry topics", () => {
    expect(snsClientConfig({ region: 'us-east-1' })).toMatchObject({ region: 'us-east-1', maxAttempts: 1 });
  });

  it('uses placeholder credentials for an emulator endpoint and explicit ones when given', () => {
    expect(snsClientConfig({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8006' })).toMatchObject({
      endpoint: 'http://127.0.0.1:8006',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    expect(
      snsClientConfig({ region: 'eu-west-1', accessKeyId: 'key', secretAccessKey: 'secret' }).credentials,
    ).toEqual({ accessKeyId: 'key', secretAccessKey: 'secret' });
    expect(snsClientConfig({ region: 'eu-west-1' }).credentials).toBeUndefined();
  });
});
