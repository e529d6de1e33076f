import { timingSafeEqual } from 'node:crypto';
import { hashApiKey } from './api-key-credentials';

/** Operator keys start so: a leaked one is easy to recognise, and it can never be a tenant key's twin. */
export const OPERATOR_KEY_PREFIX = 'sbop_';

/**
 * The platform operators' keys from configuration, held only as sha256 hashes. A presented key is
 * hashed and compared with every one in constant time, so neither timing nor order tells which
 * matched or how close a guess came.
 */
export class OperatorKeys {
  private readonly hashes: Buffer[];

  constructor(keys: readonly string[]) {
    this.hashes = keys.map(hashOf);
  }

  get configured(): boolean {
    return this.hashes.length > 0;
  }

  matches(key: string): boolean {
    const presented = hashOf(key);
    let matched = false;
    for (const hash of this.hashes) matched = timingSafeEqual(presented, hash) || matched;
    return matched;
  }
}

function hashOf(key: string): Buffer {
  return Buffer.from(hashApiKey(key), 'hex');
}
