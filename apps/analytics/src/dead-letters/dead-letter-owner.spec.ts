import { HeaderName } from '@switchboard/contracts';
import { MAX_OWNER_SCAN_BYTES, ownerOfDeadLetter } from './dead-letter-owner';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('ownerOfDeadLetter', () => {
  it('takes the tenant header over anything the value names', () => {
    expect(ownerOfDeadLetter({ [HeaderName.tenant]: 'acme' }, json({ tenant: 'globex' }))).toBe('acme');
  });

  it("reads an upstream envelope's tenant and an internal payload's tenantId when there is no header", () => {
    const upstream = json({ type: 'order.shipped', tenant: 'acme', recipient: 'not an object' });

    expect(ownerOfDeadLetter({}, upstream)).toBe('acme');
    expect(ownerOfDeadLetter({}, json({ tenantId: 'globex', messageId: 'm-1' }))).toBe('globex');
    expect(ownerOfDeadLetter({}, json({ tenant: 'acme', tenantId: 'acme' }))).toBe('acme');
  });

  it('reads the value when the tenant header is not a tenant id', () => {
    expect(ownerOfDeadLetter({ [HeaderName.tenant]: 'a b' }, json({ tenant: 'acme' }))).toBe('acme');
    expect(ownerOfDeadLetter({ [HeaderName.tenant]: '' }, null)).toBeNull();
  });

  it.each([
    ['no value', null],
    ['an empty value', Buffer.alloc(0)],
    ['a value that is not JSON', Buffer.from('<order tenant="acme"/>')],
    ['a JSON array', json([{ tenant: 'acme' }])],
    ['a JSON string', json('acme')],
    ['a tenant that is not a tenant id', json({ tenant: '../acme' })],
    ['a tenant that is not a string', json({ tenant: { id: 'acme' } })],
    ['a tenant only in a nested object', json({ data: { tenant: 'acme' } })],
    ['two different tenants', json({ tenant: 'acme', tenantId: 'globex' })],
    ['bytes that are not UTF-8 JSON', Buffer.from([0xff, 0xfe, 0x7b, 0x7d])],
  ])('finds no owner in %s', (_case, value) => {
    expect(ownerOfDeadLetter({}, value)).toBeNull();
  });

  it('leaves an event refused for naming a tenant its topic may not carry to the operators', () => {
    const value = Buffer.from(JSON.stringify({ tenant: 'acme', type: 'order.shipped' }));
    const headers = {
      [HeaderName.error]: 'tenant-not-allowed: orders.v1 does not carry events of tenant acme',
    };

    expect(ownerOfDeadLetter(headers, value)).toBeNull();
  });

  it('does not parse a value over the size limit', () => {
    const padding = 'x'.repeat(MAX_OWNER_SCAN_BYTES);
    const large = json({ tenant: 'acme', data: { padding } });
    const justUnder = json({ tenant: 'acme', data: { padding: padding.slice(0, -100) } });

    expect(large.length).toBeGreaterThan(MAX_OWNER_SCAN_BYTES);
    expect(ownerOfDeadLetter({}, large)).toBeNull();
    expect(justUnder.length).toBeLessThanOrEqual(MAX_OWNER_SCAN_BYTES);
    expect(ownerOfDeadLetter({}, justUnder)).toBe('acme');
  });
});
