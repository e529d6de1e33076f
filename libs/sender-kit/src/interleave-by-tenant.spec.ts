import { interleaveByTenant } from './interleave-by-tenant';

const tenantOf = (item: string) => item.split('-')[0];

describe('interleaveByTenant', () => {
  it("gives a tenant whose few items came last a turn after each of the busy tenant's", () => {
    const batch = ['acme-1', 'acme-2', 'acme-3', 'acme-4', 'globex-1', 'globex-2'];

    expect(interleaveByTenant(batch, tenantOf)).toEqual([
      'acme-1',
      'globex-1',
      'acme-2',
      'globex-2',
      'acme-3',
      'acme-4',
    ]);
  });

  it('keeps each tenant’s own order, tenants taking turns in the order they first appear', () => {
    const batch = ['b-1', 'a-1', 'b-2', 'c-1', 'a-2', 'b-3', 'a-3'];

    const interleaved = interleaveByTenant(batch, tenantOf);

    expect(interleaved).toEqual(['b-1', 'a-1', 'c-1', 'b-2', 'a-2', 'b-3', 'a-3']);
    for (const tenant of ['a', 'b', 'c']) {
      expect(interleaved.filter((item) => tenantOf(item) === tenant)).toEqual(
        batch.filter((item) => tenantOf(item) === tenant),
      );
    }
  });

  it('leaves a batch of one tenant, or none, as it is', () => {
    expect(interleaveByTenant(['a-1', 'a-2', 'a-3'], tenantOf)).toEqual(['a-1', 'a-2', 'a-3']);
    expect(interleaveByTenant([], tenantOf)).toEqual([]);
  });
});
