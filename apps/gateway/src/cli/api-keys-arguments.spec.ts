import { parseCreateApiKeyArguments, UsageError } from './create-api-key-arguments';

describe('parseCreateApiKeyArguments', () => {
  it('reads the tenant and the name, in either option form', () => {
    expect(parseCreateApiKeyArguments(['--tenant', 'acme', '--name', 'billing system'])).toEqual({
      help: false,
      request: { tenantId: 'acme', name: 'billing system' },
    });
    expect(parseCreateApiKeyArguments(['--name=crm', '--tenant=globex'])).toEqual({
      help: false,
      request: { tenantId: 'globex', name: 'crm' },
    });
  });

  it('trims the name', () => {
    expect(parseCreateApiKeyArguments(['--tenant', 'acme', '--name', '  ci  '])).toMatchObject({
      request: { name: 'ci' },
    });
  });

  it('asks for help', () => {
    expect(parseCreateApiKeyArguments(['--help'])).toEqual({ help: true });
  });

  it('names every missing or invalid option at once', () => {
    expect(() => parseCreateApiKeyArguments([])).toThrow(
      new UsageError('--tenant: is required\n--name: is required'),
    );
    expect(() => parseCreateApiKeyArguments(['--tenant', 'acme corp', '--name', ' '])).toThrow(
      /--tenant: must be letters, digits, _ or -\n--name: /,
    );
    expect(() => parseCreateApiKeyArguments(['--tenant', 'x'.repeat(65), '--name', 'ci'])).toThrow(
      /--tenant: /,
    );
  });

  it('rejects unknown options, stray arguments and options without a value', () => {
    for (const args of [
      ['--tenant', 'acme', '--name', 'ci', '--scope', 'all'],
      ['--tenant', 'acme', '--name', 'ci', 'extra'],
      ['--tenant', 'acme', '--name'],
    ]) {
      expect(() => parseCreateApiKeyArguments(args)).toThrow(UsageError);
    }
  });
});
