import { z } from 'zod';
import { decodePayload } from './decode-payload';

const Greeting = z.strictObject({ tenantId: z.string(), email: z.email() });

describe('decodePayload', () => {
  it('parses JSON and validates it against the schema', () => {
    const value = Buffer.from(JSON.stringify({ tenantId: 'acme', email: 'ada@example.com' }));
    expect(decodePayload(value, Greeting)).toEqual({
      ok: true,
      value: { tenantId: 'acme', email: 'ada@example.com' },
    });
  });

  it('names each field that breaks the schema', () => {
    const value = Buffer.from(JSON.stringify({ tenantId: 'acme', email: 'not-an-email' }));
    const decoded = decodePayload(value, Greeting);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) expect(decoded.problems.map((problem) => problem.field)).toEqual(['email']);
  });

  it('reports a value that is not JSON without quoting it', () => {
    const decoded = decodePayload(Buffer.from('ada@example.com wants mail'), Greeting);
    expect(decoded).toEqual({ ok: false, problems: [{ field: '', problem: 'the value is not valid JSON' }] });
  });

  it('reports a record without a value', () => {
    expect(decodePayload(null, Greeting)).toEqual({
      ok: false,
      problems: [{ field: '', problem: 'the record has no value' }],
    });
  });
});
