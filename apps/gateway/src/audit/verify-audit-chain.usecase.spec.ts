import type { AuditEntry } from './audit-entry';
import { auditEntryHash } from './audit-entry-hash';
import { AuditLog } from './audit-log';
import { VerifyAuditChain } from './verify-audit-chain.usecase';

/** Holds a chain as given, so that a test can break it the ways SQL could. */
class ChainOf extends AuditLog {
  constructor(readonly entries: AuditEntry[]) {
    super();
  }
  append(): Promise<number> {
    throw new Error('not used');
  }
  list(): Promise<AuditEntry[]> {
    throw new Error('not used');
  }
  async readChain(_chain: string, afterSequence: number, limit: number): Promise<AuditEntry[]> {
    return this.entries.filter((entry) => entry.sequence > afterSequence).slice(0, limit);
  }
  async chains(): Promise<string[]> {
    return ['tenant:acme'];
  }
}

function chainOf(length: number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let sequence = 1; sequence <= length; sequence += 1) {
    const fields = {
      id: `00000000-0000-4000-8000-${String(sequence).padStart(12, '0')}`,
      chain: 'tenant:acme',
      sequence,
      recordedAt: `2026-12-07T02:00:${String(sequence % 60).padStart(2, '0')}.000000Z`,
      actorType: 'api-key' as const,
      actorId: 'k-1',
      actorRole: 'owner',
      action: 'POST /v1/templates',
      target: '{}',
      status: 201,
      requestId: `req-${sequence}`,
      clientAddress: '127.0.0.1',
      bodyDigest: null,
      beforeDigest: null,
      previousHash: entries.at(-1)?.hash ?? null,
    };
    entries.push({ ...fields, hash: auditEntryHash(fields) });
  }
  return entries;
}

function at(entries: AuditEntry[], index: number): AuditEntry {
  const entry = entries[index];
  if (entry === undefined) throw new Error(`no entry at ${index}`);
  return entry;
}

const verify = (entries: AuditEntry[]) => new VerifyAuditChain(new ChainOf(entries)).execute('tenant:acme');

describe('VerifyAuditChain', () => {
  it('answers ok with the count and the head of an unbroken chain, across pages', async () => {
    const entries = chainOf(2_500);
    expect(await verify(entries)).toEqual({
      chain: 'tenant:acme',
      ok: true,
      entries: 2_500,
      head: { sequence: 2_500, hash: at(entries, 2_499).hash },
    });
    expect(await verify([])).toEqual({ chain: 'tenant:acme', ok: true, entries: 0, head: null });
  });

  it('names an entry whose field was edited', async () => {
    const entries = chainOf(5);
    const edited = { ...at(entries, 2), status: 200 };
    entries[2] = edited;
    expect(await verify(entries)).toMatchObject({
      ok: false,
      entries: 2,
      broken: { sequence: 3, id: edited.id, problem: 'hash-mismatch' },
    });
  });

  it('names the entry after one that was edited and given a fresh hash', async () => {
    const entries = chainOf(5);
    const edited = { ...at(entries, 1), actorId: 'someone-else' };
    entries[1] = { ...edited, hash: auditEntryHash(edited) };
    expect(await verify(entries)).toMatchObject({
      ok: false,
      broken: { sequence: 3, problem: 'link-mismatch' },
    });
  });

  it('names the entry after a deleted one, and a chain whose first entries are gone', async () => {
    const entries = chainOf(5);
    expect(await verify([...entries.slice(0, 2), ...entries.slice(3)])).toMatchObject({
      ok: false,
      broken: { sequence: 4, problem: 'gap' },
    });
    expect(await verify(entries.slice(1))).toMatchObject({
      ok: false,
      broken: { sequence: 2, problem: 'gap' },
    });
  });
});
