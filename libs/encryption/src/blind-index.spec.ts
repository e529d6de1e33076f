import { randomBytes } from 'node:crypto';
import { BlindIndex, BLIND_INDEX_BYTES } from './blind-index';
import { EncryptionError } from './encryption-error';

const secret = randomBytes(32);
const index = new BlindIndex(secret);

describe('BlindIndex', () => {
  it('gives one index for the spellings of one address', () => {
    const email = (value: string) => index.compute({ tenantId: 'acme', kind: 'email', value });
    const phone = (value: string) => index.compute({ tenantId: 'acme', kind: 'phone', value });
    expect(email(' Jane.Doe@Example.COM ')).toBe(email('jane.doe@example.com'));
    expect(phone('+1 (415) 555-0123')).toBe(phone('+14155550123'));
    expect(email('jane@example.com')).not.toBe(email('john@example.com'));
  });

  it('is 16 bytes of HMAC as 22 base64url characters', () => {
    const value = index.compute({ tenantId: 'acme', kind: 'email', value: 'jane@example.com' });
    expect(value).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(value, 'base64url')).toHaveLength(BLIND_INDEX_BYTES);
  });

  it('differs between tenants, kinds and secrets, so one index reveals nothing about another', () => {
    const base = { tenantId: 'acme', kind: 'text', value: 'jane@example.com' } as const;
    const values = new Set([
      index.compute(base),
      index.compute({ ...base, tenantId: 'globex' }),
      index.compute({ ...base, kind: 'email' }),
      index.compute({ ...base, kind: 'recipient-id' }),
      new BlindIndex(randomBytes(32)).compute(base),
    ]);
    expect(values.size).toBe(5);
  });

  it('is the same across instances with the same secret (replicas agree)', () => {
    const input = { tenantId: 'acme', kind: 'email', value: 'jane@example.com' } as const;
    expect(new BlindIndex(Buffer.from(secret)).compute(input)).toBe(index.compute(input));
  });

  it('names the field of a bad input', () => {
    try {
      index.compute({ tenantId: '', kind: 'email', value: 'jane@example.com' });
      throw new Error('expected a refusal');
    } catch (error) {
      expect(error).toBeInstanceOf(EncryptionError);
      expect((error as EncryptionError).problems[0].field).toBe('tenantId');
    }
  });
});
