import { awsClientConfig } from './aws-client-config';

describe('awsClientConfig', () => {
  it("turns the SDK retries off: every retry is the sender's own, through the retry topics", () => {
    expect(awsClientConfig({ region: 'us-east-1' })).toMatchObject({ region: 'us-east-1', maxAttempts: 1 });
  });

  it('points the client at a configured endpoint with placeholder credentials', () => {
    expect(awsClientConfig({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:8005' })).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:8005',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });

  it('uses configured credentials when both parts are given', () => {
    const config = awsClientConfig({ region: 'eu-west-1', accessKeyId: 'AKIA1', secretAccessKey: 'secret' });
    expect(config.credentials).toEqual({ accessKeyId: 'AKIA1', secretAccessKey: 'secret' });
    expect(config).not.toHaveProperty('endpoint');
  });

  it('uses configured credentials over placeholder ones at a custom endpoint', () => {
    const config = awsClientConfig({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:8006',
      accessKeyId: 'key',
      secretAccessKey: 'secret',
    });
    expect(config.credentials).toEqual({ accessKeyId: 'key', secretAccessKey: 'secret' });
  });

  it("leaves a real AWS endpoint without credentials to the SDK's own provider chain", () => {
    expect(awsClientConfig({ region: 'eu-west-1' })).not.toHaveProperty('credentials');
  });
});
