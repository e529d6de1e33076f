import { GatewayError } from '../gateway-error';
import { AuthenticateOperator, type TenantKeys } from './authenticate-operator.usecase';
import { OperatorKeys } from './operator-keys';

const OPERATOR_KEY = `sbop_${'a'.repeat(43)}`;
const ROTATED_KEY = `sbop_${'b'.repeat(43)}`;

/** One tenant key, sk_acme, as AuthenticateApiKey would resolve it. */
const tenantKeys: TenantKeys = {
  execute: async (authorization) => {
    if (authorization === 'Bearer sk_acme') return 'acme';
    throw new GatewayError('UNAUTHENTICATED', 'the API key is unknown or revoked');
  },
};

describe('AuthenticateOperator', () => {
  const authenticate = new AuthenticateOperator(new OperatorKeys([OPERATOR_KEY, ROTATED_KEY]), tenantKeys);

  it('lets every configured operator key through', async () => {
    await expect(authenticate.execute(`Bearer ${OPERATOR_KEY}`)).resolves.toBeUndefined();
    await expect(authenticate.execute(`bearer ${ROTATED_KEY}`)).resolves.toBeUndefined();
  });

  it("refuses a tenant's API key with 403 OPERATOR_KEY_REQUIRED", async () => {
    await expect(authenticate.execute('Bearer sk_acme')).rejects.toMatchObject({
      status: 403,
      code: 'OPERATOR_KEY_REQUIRED',
    });
  });

  it.each([
    ['no header', undefined],
    ['another scheme', `Basic ${OPERATOR_KEY}`],
    ['an unknown key', `Bearer sbop_${'c'.repeat(43)}`],
    ['an operator key with a character more', `Bearer ${OPERATOR_KEY}a`],
  ])('refuses %s with 401 UNAUTHENTICATED', async (_case, authorization) => {
    await expect(authenticate.execute(authorization)).rejects.toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
    });
  });

  it('answers 404 OPERATOR_API_NOT_CONFIGURED to anyone when no operator key is configured', async () => {
    const unconfigured = new AuthenticateOperator(new OperatorKeys([]), tenantKeys);

    for (const authorization of [`Bearer ${OPERATOR_KEY}`, 'Bearer sk_acme', undefined]) {
      await expect(unconfigured.execute(authorization)).rejects.toMatchObject({
        status: 404,
        code: 'OPERATOR_API_NOT_CONFIGURED',
        detail: expect.stringContaining('OPERATOR_API_KEYS'),
      });
    }
  });

  it('lets a failure to look up tenant keys through rather than calling it unauthenticated', async () => {
    const unavailable = new AuthenticateOperator(new OperatorKeys([OPERATOR_KEY]), {
      execute: async () => {
        throw new GatewayError('SERVICE_UNAVAILABLE', 'the database is unreachable');
      },
    });

    await expect(unavailable.execute('Bearer sk_acme')).rejects.toMatchObject({ status: 503 });
  });
});
