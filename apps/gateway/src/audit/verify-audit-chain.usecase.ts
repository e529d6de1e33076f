import type { AuditEntry } from './audit-entry';
import { auditEntryHash } from './audit-entry-hash';
import type { AuditLog } from './audit-log';

export type ChainProblem = 'hash-mismatch' | 'link-mismatch' | 'gap';

export type ChainVerification =
  | {
      chain: string;
      ok: true;
      entries: number;
      /** The newest entry: keep its hash elsewhere to catch a chain rewritten from start to end. */
      head: { sequence: number; hash: string } | null;
    }
  | {
      chain: string;
      ok: false;
      /** Entries that verified before the broken one. */
      entries: number;
      broken: { sequence: number; id: string; problem: ChainProblem; detail: string };
    };

const PAGE_SIZE = 1_000;

/**
 * Recomputes a chain from its first entry: each sequence number follows the one before, each
 * entry names the previous entry's hash, and each hash is the one its fields give. Reports the
 * first entry where any of that fails. Reads page by page, so a long chain is never held whole.
 */
export class VerifyAuditChain {
  constructor(private readonly auditLog: AuditLog) {}

  async execute(chain: string): Promise<ChainVerification> {
    let previous: AuditEntry | undefined;
    let entries = 0;
    for (;;) {
      const page = await this.auditLog.readChain(chain, previous?.sequence ?? 0, PAGE_SIZE);
      for (const entry of page) {
        const problem = problemOf(entry, previous);
        if (problem !== undefined) {
          return {
            chain,
            ok: false,
            entries,
            broken: { sequence: entry.sequence, id: entry.id, ...problem },
          };
        }
        previous = entry;
        entries += 1;
      }
      if (page.length < PAGE_SIZE) break;
    }
    return {
      chain,
      ok: true,
      entries,
      head: previous === undefined ? null : { sequence: previous.sequence, hash: previous.hash },
    };
  }
}

function problemOf(
  entry: AuditEntry,
  previous: AuditEntry | undefined,
): { problem: ChainProblem; detail: string } | undefined {
  const expectedSequence = (previous?.sequence ?? 0) + 1;
  if (entry.sequence !== expectedSequence) {
    return {
      problem: 'gap',
      detail: `expected sequence ${expectedSequence}, found ${entry.sequence}: entries are missing`,
    };
  }
  const expectedPrevious = previous?.hash ?? null;
  if (entry.previousHash !== expectedPrevious) {
    return {
      problem: 'link-mismatch',
      detail:
        previous === undefined
          ? 'the first entry names a previous hash'
          : `the previous hash does not match entry ${previous.sequence}'s hash`,
    };
  }
  const { hash, ...fields } = entry;
  if (auditEntryHash(fields) !== hash) {
    return { problem: 'hash-mismatch', detail: 'the hash does not match the entry: a field was changed' };
  }
  return undefined;
}
