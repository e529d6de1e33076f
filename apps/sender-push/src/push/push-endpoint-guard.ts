import { PushEndpointPolicy, type AddressLookup, type ResolvedAddress } from '@switchboard/security';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from 'node:net';

export interface PushEndpointGuardOptions {
  /** Loopback origins of a local push service that may be used over http; empty in production. */
  sandboxOrigins?: readonly string[];
  lookup?: AddressLookup;
}

export type EndpointCheck =
  /** `connectTo`: the checked address to connect to; absent for a sandbox origin or an address literal. */
  { allowed: true; connectTo?: ResolvedAddress } | { allowed: false; problem: string };

const systemLookup: AddressLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Checks a subscription's endpoint again right before a push: it was checked at registration,
 * but the host's DNS may have changed since (or be made to change between a check and the
 * connection, DNS rebinding). The addresses the check resolved are the ones the request then
 * connects to, so no second lookup can hand the connection a different, internal address.
 */
export class PushEndpointGuard {
  private readonly sandboxOrigins: readonly string[];
  private readonly lookup: AddressLookup;

  constructor(options: PushEndpointGuardOptions = {}) {
    this.sandboxOrigins = options.sandboxOrigins ?? [];
    this.lookup = options.lookup ?? systemLookup;
    // Fails at start-up, with the offending entry named, rather than at the first push.
    new PushEndpointPolicy({ sandboxOrigins: this.sandboxOrigins, lookup: this.lookup });
  }

  async check(endpoint: string): Promise<EndpointCheck> {
    let resolved: readonly ResolvedAddress[] | undefined;
    // A policy per check, so that the addresses it resolved are this check's own.
    const policy = new PushEndpointPolicy({
      sandboxOrigins: this.sandboxOrigins,
      lookup: async (hostname) => (resolved = await this.lookup(hostname)),
    });
    const problem = await policy.checkEndpoint(endpoint);
    if (problem !== undefined) return { allowed: false, problem: `the endpoint ${problem}` };
    const connectTo = resolved?.[0];
    return connectTo === undefined ? { allowed: true } : { allowed: true, connectTo };
  }
}

/** A `lookup` for http.request that answers with an address already checked, whatever DNS says now. */
export function pinnedLookup(address: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: address.address, family: address.family }]);
    else callback(null, address.address, address.family);
  };
}
