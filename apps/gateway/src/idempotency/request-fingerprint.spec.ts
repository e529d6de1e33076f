import { canonicalJson, fingerprintRequest } from './request-fingerprint';

describe('canonicalJson', () => {
  it('sorts object keys at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[{"x":2,"y":1}]},"b":1}',
    );
  });

  it('keeps array order', () => {
    expect(canonicalJson([3, 1, 2])).not.toBe(canonicalJson([1, 2, 3]));
  });

  it('leaves out undefined properties like JSON does', () => {
    expect(canonicalJson({ a: 1, b: undefined })).toBe('{"a":1}');
  });
});

describe('fingerprintRequest', () => {
  const body = { recipient: { email: 'ada@example.com' }, content: { templateKey: 'welcome' } };

  it('gives the same hash for the same body written in another key order', () => {
    const reordered = { content: { templateKey: 'welcome' }, recipient: { email: 'ada@example.com' } };
    expect(fingerprintRequest('POST /v1/messages', reordered)).toBe(
      fingerprintRequest('POST /v1/messages', body),
    );
  });

  it('gives a different hash when a value changes', () => {
    const changed = { ...body, recipient: { email: 'grace@example.com' } };
    expect(fingerprintRequest('POST /v1/messages', changed)).not.toBe(
      fingerprintRequest('POST /v1/messages', body),
    );
  });

  it('gives a different hash for the same body on another route', () => {
    expect(fingerprintRequest('POST /v1/messages/batch', body)).not.toBe(
      fingerprintRequest('POST /v1/messages', body),
    );
  });

  it('is a sha256 hex digest', () => {
    expect(fingerprintRequest('POST /v1/messages', body)).toMatch(/^[0-9a-f]{64}$/);
  });
});
