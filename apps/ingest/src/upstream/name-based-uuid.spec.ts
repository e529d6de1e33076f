import { nameBasedUuid } from './name-based-uuid';

const DNS_NAMESPACE = '6ba7b810-9dad-11d1-80b4-00c04fd430c8';

describe('nameBasedUuid', () => {
  it('matches the published version 5 value for www.example.com in the DNS namespace', () => {
    expect(nameBasedUuid(DNS_NAMESPACE, 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('gives different ids for different names and the same id for the same name', () => {
    const first = nameBasedUuid(DNS_NAMESPACE, 'a');
    expect(nameBasedUuid(DNS_NAMESPACE, 'a')).toBe(first);
    expect(nameBasedUuid(DNS_NAMESPACE, 'b')).not.toBe(first);
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameBasedUuid('not-a-uuid', 'a')).toThrow('namespace must be a UUID, got "not-a-uuid"');
  });
});
