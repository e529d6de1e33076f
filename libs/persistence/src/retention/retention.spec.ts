import { RetentionPolicy } from './retention-policy';
import { retentionVariables } from './retention-variables';

const tenantPeriods = retentionVariables.RETENTION_PERIOD_BY_TENANT.schema;

describe('RETENTION_PERIOD_BY_TENANT', () => {
  it('reads tenant=period pairs in any unit, and nothing when unset', () => {
    expect(tenantPeriods.parse('acme=30d, beta=12h,gamma=5s')).toEqual(
      new Map([
        ['acme', 30 * 86_400_000],
        ['beta', 12 * 3_600_000],
        ['gamma', 5_000],
      ]),
    );
    expect(tenantPeriods.parse(undefined)).toEqual(new Map());
  });

  it('refuses an entry without a unit, naming it, and a tenant named twice', () => {
    expect(() => tenantPeriods.parse('acme=30')).toThrow(/acme=30\\?" must be tenant=period/);
    expect(() => tenantPeriods.parse('acme=30d,acme=1d')).toThrow(/tenant acme is named twice/);
  });

  it('keeps 90 days unless told otherwise', () => {
    expect(retentionVariables.RETENTION_PERIOD.schema.parse(undefined)).toBe(90 * 86_400_000);
  });
});

describe('RetentionPolicy', () => {
  it("cuts each tenant with its own period at its own time, and every other tenant at the default's", () => {
    const policy = new RetentionPolicy(90 * 86_400_000, new Map([['acme', 86_400_000]]));
    const now = new Date('2026-12-07T00:00:00Z');

    expect(policy.cutoffs(now)).toEqual({
      tenants: [{ tenantId: 'acme', cutoff: new Date('2026-12-06T00:00:00Z') }],
      otherTenants: new Date('2026-09-08T00:00:00Z'),
    });
  });
});
