import { normalisePhoneNumber } from '@switchboard/addresses';
import type { SendingSettingsView } from '@switchboard/contracts';
import type { RouterSendingSettingsClient } from './router-sending-settings-client';

/** Where a phone number sits in a body: keys, with '*' for every item of an array. */
export type PhonePlace = readonly string[];

export const REGION_CACHE_MS = 60_000;

/**
 * Reads phone numbers given in national format (no leading +) in the tenant's phone region
 * (`phoneRegion` of its sending settings, which the router holds) and writes them in E.164, before
 * the body is validated: the contracts take E.164 only. The region is asked of the router once a
 * minute per tenant, and only when a body has a national number. A number that cannot be read, or
 * a tenant without a region, is left as given, and validation names the field.
 */
export class NationalPhoneNumbers {
  private readonly regions = new Map<string, { region: string | null; expiresAt: number }>();

  constructor(
    private readonly settings: Pick<RouterSendingSettingsClient, 'get'>,
    private readonly now: () => number = Date.now,
  ) {}

  async read(tenantId: string, body: unknown, places: readonly PhonePlace[]): Promise<unknown> {
    const national = places.flatMap((place) => holdersAt(body, place)).filter(isNational);
    if (national.length === 0) return body;
    const region = await this.regionOf(tenantId);
    if (region === null) return body;
    const copy = structuredClone(body);
    for (const place of places) {
      for (const holder of holdersAt(copy, place)) {
        if (!isNational(holder)) continue;
        const read = normalisePhoneNumber(holder.object[holder.key] as string, region);
        if (read.ok) holder.object[holder.key] = read.value.e164;
      }
    }
    return copy;
  }

  /** The tenant's settings changed through this replica: read its region afresh next time. */
  forget(tenantId: string): void {
    this.regions.delete(tenantId);
  }

  private async regionOf(tenantId: string): Promise<string | null> {
    const cached = this.regions.get(tenantId);
    if (cached && cached.expiresAt > this.now()) return cached.region;
    const answer = await this.settings.get(tenantId);
    const region = answer.status === 200 ? (answer.body as SendingSettingsView).phoneRegion : null;
    this.regions.set(tenantId, { region, expiresAt: this.now() + REGION_CACHE_MS });
    return region;
  }
}

interface Holder {
  object: Record<string, unknown>;
  key: string;
}

// What a number written without its country code looks like: digits and the usual separators.
const NATIONAL_NUMBER = /^[0-9][0-9 ()./-]{2,30}$/;

function isNational(holder: Holder): boolean {
  const value = holder.object[holder.key];
  return typeof value === 'string' && NATIONAL_NUMBER.test(value.trim());
}

/** The objects holding the last key of the place, wherever the body has them. */
function holdersAt(body: unknown, place: PhonePlace): Holder[] {
  let current: unknown[] = [body];
  for (const key of place.slice(0, -1)) {
    current = current.flatMap((value) => {
      if (key === '*') return Array.isArray(value) ? value : [];
      return isObject(value) ? [value[key]] : [];
    });
  }
  const last = place[place.length - 1];
  return current.filter(isObject).map((object) => ({ object, key: last }));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
