import type { AddressLookup } from '@switchboard/security';

/**
 * A lookup that gives up after `timeoutMs`: a slow resolver must not hold a registration request
 * open. The policy treats the failure as a host that does not resolve, so the endpoint is refused.
 */
export function addressLookupWithTimeout(lookup: AddressLookup, timeoutMs: number): AddressLookup {
  return (hostname) => {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`resolving ${hostname} timed out`)), timeoutMs);
    });
    return Promise.race([lookup(hostname), deadline]).finally(() => clearTimeout(timer));
  };
}
