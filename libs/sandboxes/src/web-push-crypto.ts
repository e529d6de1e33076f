import { createDecipheriv, createECDH, createPublicKey, hkdfSync, verify, type ECDH } from 'node:crypto';

/** What the user agent (browser) holds for one subscription. */
export interface UserAgentKeys {
  ecdh: ECDH;
  /** Uncompressed P-256 point, 65 bytes. */
  publicKey: Buffer;
  /** 16 random bytes. */
  authSecret: Buffer;
}

export class WebPushRefusal extends Error {
  override name = 'WebPushRefusal';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_VAPID_LIFETIME_SECONDS = 24 * 60 * 60;

/**
 * Checks an RFC 8292 `Authorization: vapid t=<JWT>, k=<public key>` header: the JWT is ES256,
 * signed by k, for this push service's origin, and expires in the future but within 24 hours.
 * Returns the claims; throws WebPushRefusal (401 when missing, 403 when wrong).
 */
export function verifyVapidAuthorization(
  header: string | undefined,
  audience: string,
  nowSeconds: number,
): { subject?: string; publicKey: string } {
  if (!header)
    throw new WebPushRefusal(401, 'the Authorization header is missing (VAPID: "vapid t=<JWT>, k=<key>")');
  const match = /^vapid\s+(.*)$/i.exec(header.trim());
  if (!match)
    throw new WebPushRefusal(401, 'the Authorization header is not a VAPID one ("vapid t=<JWT>, k=<key>")');
  const parameters = new Map(
    match[1].split(',').map((part) => {
      const [name, ...value] = part.trim().split('=');
      return [name.trim().toLowerCase(), value.join('=').trim()] as const;
    }),
  );
  const token = parameters.get('t');
  const publicKey = parameters.get('k');
  if (!token || !publicKey)
    throw new WebPushRefusal(401, 'the VAPID Authorization header needs both t= and k=');
  const parts = token.split('.');
  if (parts.length !== 3) throw new WebPushRefusal(403, 'the VAPID token is not a JWT');
  const [encodedHeader, encodedClaims, encodedSignature] = parts;
  const jwtHeader = decodeJson(encodedHeader, 'header');
  if (jwtHeader.alg !== 'ES256')
    throw new WebPushRefusal(403, `the VAPID JWT must be ES256, got alg ${String(jwtHeader.alg)}`);
  const keyBytes = Buffer.from(publicKey, 'base64url');
  if (keyBytes.length !== 65 || keyBytes[0] !== 0x04) {
    throw new WebPushRefusal(403, 'the VAPID k= key is not an uncompressed P-256 public key');
  }
  let signatureValid: boolean;
  try {
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: keyBytes.subarray(1, 33).toString('base64url'),
        y: keyBytes.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    signatureValid = verify(
      'sha256',
      Buffer.from(`${encodedHeader}.${encodedClaims}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(encodedSignature, 'base64url'),
    );
  } catch (error) {
    throw new WebPushRefusal(403, `the VAPID key or signature is unusable: ${(error as Error).message}`);
  }
  if (!signatureValid) throw new WebPushRefusal(403, 'the VAPID JWT signature does not match the k= key');
  const claims = decodeJson(encodedClaims, 'claims');
  if (claims.aud !== audience) {
    throw new WebPushRefusal(403, `the VAPID audience must be ${audience}, got ${String(claims.aud)}`);
  }
  if (typeof claims.exp !== 'number') throw new WebPushRefusal(403, 'the VAPID JWT has no exp claim');
  if (claims.exp <= nowSeconds) throw new WebPushRefusal(403, 'the VAPID JWT has expired');
  if (claims.exp > nowSeconds + MAX_VAPID_LIFETIME_SECONDS) {
    throw new WebPushRefusal(403, 'the VAPID JWT expires more than 24 hours from now');
  }
  return { ...(typeof claims.sub === 'string' ? { subject: claims.sub } : {}), publicKey };
}

function decodeJson(part: string, what: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new WebPushRefusal(403, `the VAPID JWT ${what} is not a JSON object`);
}

export function createUserAgentKeys(authSecret: Buffer): UserAgentKeys {
  const ecdh = createECDH('prime256v1');
  const publicKey = ecdh.generateKeys();
  return { ecdh, publicKey, authSecret };
}

const TAG_BYTES = 16;

/**
 * Decrypts an `aes128gcm` push message body (RFC 8188 framing, RFC 8291 keys) as the browser
 * would. Throws WebPushRefusal(400) on anything malformed or that fails authentication.
 */
export function decryptPushMessage(body: Buffer, keys: UserAgentKeys): Buffer {
  if (body.length < 21) throw new WebPushRefusal(400, 'the aes128gcm body is shorter than its header');
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const keyIdLength = body[20];
  const applicationServerKey = body.subarray(21, 21 + keyIdLength);
  const records = body.subarray(21 + keyIdLength);
  if (keyIdLength !== 65 || applicationServerKey[0] !== 0x04) {
    throw new WebPushRefusal(400, 'the aes128gcm keyid must be the 65-byte application server public key');
  }
  if (recordSize < 18) throw new WebPushRefusal(400, `the aes128gcm record size ${recordSize} is below 18`);
  let sharedSecret: Buffer;
  try {
    sharedSecret = keys.ecdh.computeSecret(applicationServerKey);
  } catch (error) {
    throw new WebPushRefusal(400, `the application server key is not on P-256: ${(error as Error).message}`);
  }
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), keys.publicKey, applicationServerKey]);
  const inputKey = Buffer.from(hkdfSync('sha256', sharedSecret, keys.authSecret, keyInfo, 32));
  const contentKey = Buffer.from(
    hkdfSync('sha256', inputKey, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16),
  );
  const baseNonce = Buffer.from(
    hkdfSync('sha256', inputKey, salt, Buffer.from('Content-Encoding: nonce\0'), 12),
  );

  const plaintexts: Buffer[] = [];
  const recordCount = Math.max(1, Math.ceil(records.length / recordSize));
  for (let index = 0; index < recordCount; index++) {
    const record = records.subarray(index * recordSize, (index + 1) * recordSize);
    if (record.length <= TAG_BYTES) throw new WebPushRefusal(400, `aes128gcm record ${index} is too short`);
    const nonce = Buffer.from(baseNonce);
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ index) >>> 0, 8);
    const decipher = createDecipheriv('aes-128-gcm', contentKey, nonce);
    decipher.setAuthTag(record.subarray(record.length - TAG_BYTES));
    let padded: Buffer;
    try {
      padded = Buffer.concat([
        decipher.update(record.subarray(0, record.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new WebPushRefusal(400, 'the push message does not decrypt with this subscription’s keys');
    }
    // Each record ends in a delimiter (2 for the last, 1 for the others) followed by zero padding.
    let end = padded.length - 1;
    while (end >= 0 && padded[end] === 0) end--;
    const last = index === recordCount - 1;
    if (end < 0 || padded[end] !== (last ? 2 : 1)) {
      throw new WebPushRefusal(400, `aes128gcm record ${index} has no valid padding delimiter`);
    }
    plaintexts.push(padded.subarray(0, end));
  }
  return Buffer.concat(plaintexts);
}
