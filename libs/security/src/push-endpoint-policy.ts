import { validate, type Validated, type ValidationProblem } from '@switchboard/contracts';
import { createPublicKey } from 'node:crypto';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { z } from 'zod';
import { isPublicAddress } from './public-address';
import { SecurityError } from './security-error';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (node:dns/promises `lookup` with `all: true`). */
export type AddressLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export interface PushEndpointPolicyOptions {
  /** Defaults to the system resolver; tests and senders with their own resolver pass one. */
  lookup?: AddressLookup;
  /**
   * Loopback origins (http://127.0.0.1:<port> or http://[::1]:<port>) of a local push service
   * that may be used without https and despite being loopback. Empty by default; only the
   * embedded sandbox sets it.
   */
  sandboxOrigins?: readonly string[];
}

/** A Web Push subscription as a browser's PushSubscription.toJSON() gives it, checked. */
export interface PushSubscription {
  endpoint: string;
  expirationTime: number | null;
  keys: { p256dh: string; auth: string };
}

const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;
const UNCOMPRESSED_POINT_LENGTH = 65;
const AUTH_SECRET_LENGTH = 16;

function base64UrlKey(describeLength: string, expectedLength: number) {
  return z
    .string()
    .min(1, 'is required')
    .max(200)
    .regex(BASE64URL, 'must be base64url')
    .transform((value, context) => {
      const bytes = Buffer.from(value, 'base64url');
      if (bytes.length !== expectedLength) {
        context.addIssue({
          code: 'custom',
          message: `must decode to ${describeLength}, not ${bytes.length} bytes`,
        });
        return z.NEVER;
      }
      return bytes;
    });
}

const subscriptionSchema = z.object({
  endpoint: z.string().min(1, 'is required').max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({
    p256dh: base64UrlKey('65 bytes (an uncompressed P-256 point)', UNCOMPRESSED_POINT_LENGTH).refine(
      isUncompressedP256Point,
      'is not an uncompressed point on the P-256 curve',
    ),
    auth: base64UrlKey('16 bytes', AUTH_SECRET_LENGTH),
  }),
});

function isUncompressedP256Point(point: Buffer): boolean {
  if (point[0] !== 0x04) return false;
  try {
    // OpenSSL refuses coordinates that are not on the curve.
    createPublicKey({
      format: 'jwk',
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: point.subarray(1, 33).toString('base64url'),
        y: point.subarray(33, 65).toString('base64url'),
      },
    });
    return true;
  } catch {
    return false;
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]']);

const systemLookup: AddressLookup = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Decides whether a push subscription may be stored. The endpoint is a URL the sender will POST
 * to from inside our network, so it must be https and must not reach anything but the public
 * internet (no private, loopback, link-local or metadata addresses), or registering a
 * subscription would let a caller make us send requests to internal services.
 */
export class PushEndpointPolicy {
  private readonly lookup: AddressLookup;
  private readonly sandboxOrigins: ReadonlySet<string>;

  constructor(options: PushEndpointPolicyOptions = {}) {
    this.lookup = options.lookup ?? systemLookup;
    const problems: ValidationProblem[] = [];
    const sandboxOrigins = new Set<string>();
    (options.sandboxOrigins ?? []).forEach((origin, index) => {
      const problem = sandboxOriginProblem(origin);
      if (problem) problems.push({ field: `sandboxOrigins.${index}`, problem });
      else sandboxOrigins.add(origin);
    });
    if (problems.length > 0) throw new SecurityError('INVALID_OPTIONS', problems);
    this.sandboxOrigins = sandboxOrigins;
  }

  /** Checks a subscription at registration; every problem names its field (`keys.auth`, `endpoint`). */
  async validateSubscription(input: unknown): Promise<Validated<PushSubscription>> {
    const parsed = validate(subscriptionSchema, input);
    if (!parsed.ok) return parsed;
    const endpointProblem = await this.checkEndpoint(parsed.value.endpoint);
    if (endpointProblem) return { ok: false, problems: [{ field: 'endpoint', problem: endpointProblem }] };
    return {
      ok: true,
      value: {
        endpoint: new URL(parsed.value.endpoint).href,
        expirationTime: parsed.value.expirationTime ?? null,
        keys: {
          p256dh: parsed.value.keys.p256dh.toString('base64url'),
          auth: parsed.value.keys.auth.toString('base64url'),
        },
      },
    };
  }

  /** Why an endpoint may not be used, or undefined when it may; resolves its host again each call. */
  async checkEndpoint(endpoint: string): Promise<string | undefined> {
    let url: URL;
    try {
      url = new URL(endpoint);
    } catch {
      return 'is not a URL';
    }
    if (url.username !== '' || url.password !== '') return 'must not carry user information';
    if (this.sandboxOrigins.has(url.origin)) return undefined;
    if (url.protocol !== 'https:') return 'must use https';

    // The URL parser has already turned 0x7f.1, 2130706433 and 0177.0.0.1 into 127.0.0.1.
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    if (isIP(host) !== 0) {
      return isPublicAddress(host) ? undefined : `points to the non-public address ${host}`;
    }

    let addresses: readonly ResolvedAddress[];
    try {
      addresses = await this.lookup(host);
    } catch {
      return `host ${host} does not resolve`;
    }
    if (addresses.length === 0) return `host ${host} does not resolve`;
    const nonPublic = addresses.find(({ address }) => !isPublicAddress(address));
    if (nonPublic) return `host ${host} resolves to the non-public address ${nonPublic.address}`;
    return undefined;
  }
}

function sandboxOriginProblem(origin: string): string | undefined {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'is not a URL';
  }
  if (url.origin !== origin) return `must be an origin such as http://127.0.0.1:4000, not ${origin}`;
  if (!LOOPBACK_HOSTS.has(url.hostname)) return 'must be on 127.0.0.1 or [::1]: the sandbox is local only';
  return undefined;
}
