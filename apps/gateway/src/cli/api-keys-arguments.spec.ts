import { parseApiKeysArguments, UsageError } from './api-keys-arguments';

const KEY_ID = '6f1c2a7e-3b7d-4c55-9d0e-0a5b1e6f9c21';

describe('parseApiKeysArguments', () => {
  it('reads a create command with a role, in either option form', () => {
    expect(
      parseApiKeysArguments(['create', '--tenant', 'acme', '--name', 'billing system', '--role', 'sender']),
    ).toEqual({
      command: 'create',
      tenantId: 'acme',
      request: { name: 'billing system', role: 'sender' },
    });
    expect(parseApiKeysArguments(['create', '--name=crm', '--tenant=globex', '--role=viewer'])).toMatchObject(
      {
        tenantId: 'globex',
        request: { name: 'crm', role: 'viewer' },
      },
    );
  });

  it('reads scopes and an expiry, and trims the name', () => {
    expect(
      parseApiKeysArguments([
        'create',
        '--tenant',
        'acme',
        '--name',
        '  ci  ',
        '--scopes',
        'messages:send, messages:read',
        '--expires',
        '2999-01-01T00:00:00Z',
      ]),
    ).toMatchObject({
      request: { name: 'ci', scopes: ['messages:send', 'messages:read'], expiresAt: '2999-01-01T00:00:00Z' },
    });
  });

  it('reads list, revoke and rotate', () => {
    expect(parseApiKeysArguments(['list', '--tenant', 'acme'])).toEqual({
      command: 'list',
      tenantId: 'acme',
    });
    expect(parseApiKeysArguments(['revoke', '--tenant', 'acme', '--key', KEY_ID])).toEqual({
      command: 'revoke',
      tenantId: 'acme',
      keyId: KEY_ID,
    });
    expect(parseApiKeysArguments(['rotate', '--tenant', 'acme', '--key', KEY_ID, '--overlap', '60'])).toEqual(
      {
        command: 'rotate',
        tenantId: 'acme',
        keyId: KEY_ID,
        request: { overlapSeconds: 60 },
      },
    );
    expect(parseApiKeysArguments(['rotate', '--tenant', 'acme', '--key', KEY_ID])).toMatchObject({
      request: { overlapSeconds: 86_400 },
    });
  });

  it('asks for help', () => {
    expect(parseApiKeysArguments(['--help'])).toEqual({ command: 'help' });
  });

  it('names every missing or invalid option at once', () => {
    expect(() => parseApiKeysArguments(['create'])).toThrow(/--tenant: is required\n--name: is required/);
    expect(() => parseApiKeysArguments(['create', '--tenant', 'acme', '--name', 'ci'])).toThrow(
      /--role: give either a role or scopes/,
    );
    expect(() =>
      parseApiKeysArguments(['create', '--tenant', 'acme corp', '--name', ' ', '--role', 'king']),
    ).toThrow(/--tenant: must be letters, digits, _ or -\n(.|\n)*--name: (.|\n)*--role: /);
    expect(() =>
      parseApiKeysArguments(['create', '--tenant', 'acme', '--name', 'ci', '--scopes', 'messages:fly']),
    ).toThrow(/--scopes: /);
    expect(() => parseApiKeysArguments(['revoke', '--tenant', 'acme', '--key', 'nope'])).toThrow(/--key: /);
    expect(() =>
      parseApiKeysArguments(['rotate', '--tenant', 'acme', '--key', KEY_ID, '--overlap=-1']),
    ).toThrow(/--overlap: /);
    expect(() => parseApiKeysArguments(['list', '--tenant', 'acme', '--role', 'owner'])).toThrow(
      /--role: does not apply to list/,
    );
  });

  it('rejects no command, an unknown command, unknown options, stray arguments and options without a value', () => {
    for (const args of [
      ['--tenant', 'acme'],
      ['destroy', '--tenant', 'acme'],
      ['list', '--tenant', 'acme', '--scope', 'all'],
      ['list', '--tenant', 'acme', 'extra'],
      ['list', '--tenant'],
    ]) {
      expect(() => parseApiKeysArguments(args)).toThrow(UsageError);
    }
  });
});
