import { AuditVerifyUsageError, parseAuditVerifyArguments } from './audit-verify-arguments';

describe('parseAuditVerifyArguments', () => {
  it('verifies one tenant, the platform, or every chain', () => {
    expect(parseAuditVerifyArguments(['--tenant', 'acme'])).toEqual({ help: false, chain: 'tenant:acme' });
    expect(parseAuditVerifyArguments(['--platform'])).toEqual({ help: false, chain: 'platform' });
    expect(parseAuditVerifyArguments([])).toEqual({ help: false, chain: 'every' });
    expect(parseAuditVerifyArguments(['--help'])).toEqual({ help: true });
  });

  it('refuses unknown options, a bad tenant id and both choices at once, saying which', () => {
    expect(() => parseAuditVerifyArguments(['--tenant', 'no spaces'])).toThrow(/--tenant must be letters/);
    expect(() => parseAuditVerifyArguments(['--tenant'])).toThrow(AuditVerifyUsageError);
    expect(() => parseAuditVerifyArguments(['--colour'])).toThrow(/colour/);
    expect(() => parseAuditVerifyArguments(['--tenant', 'acme', '--platform'])).toThrow(/not both/);
  });
});
