import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listen, reachableHost, readBody, sendJson } from '@switchboard/sandboxes';

/** One call the emulator answered, for tests that count round trips to KMS. */
export interface KmsCall {
  operation: string;
  /** The KeyId as the caller sent it (id, ARN or alias), if any. */
  keyId?: string;
  encryptionContext?: Record<string, string>;
  /** The KMS error name when the call was refused. */
  error?: string;
}

export interface KmsEmulator {
  endpoint: string;
  region: string;
  /** Makes a symmetric key, optionally with an alias (`alias/name`); returns its ARN. */
  createKey(alias?: string): string;
  /** Disabled keys refuse every operation with DisabledException, as KMS does. */
  disableKey(keyIdOrAlias: string): void;
  calls(): KmsCall[];
  stop(): Promise<void>;
}

interface EmulatedKey {
  arn: string;
  material: Buffer;
  enabled: boolean;
}

class KmsFault extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const ACCOUNT = '000000000000';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/**
 * A small AWS KMS of the JSON protocol (`X-Amz-Target: TrentService.*`) for tests of the KMS key
 * provider: GenerateDataKey, Encrypt and Decrypt of symmetric keys, with encryption context bound
 * as AES-GCM associated data, so a wrong context fails with InvalidCiphertextException as in KMS.
 * Signatures are not checked. Its ciphertext blobs carry the key ARN like the real ones, so
 * Decrypt needs no KeyId.
 */
export async function startKmsEmulator(
  options: { port?: number; host?: string; region?: string } = {},
): Promise<KmsEmulator> {
  const host = options.host ?? '127.0.0.1';
  const region = options.region ?? 'us-east-1';
  const keys = new Map<string, EmulatedKey>();
  const aliases = new Map<string, string>();
  const calls: KmsCall[] = [];

  const resolve = (keyId: unknown): EmulatedKey => {
    if (typeof keyId !== 'string' || keyId.length === 0)
      throw new KmsFault('ValidationException', 'KeyId is required');
    const aliasName = keyId.startsWith('alias/')
      ? keyId
      : keyId.includes(':alias/')
        ? keyId.slice(keyId.indexOf('alias/'))
        : undefined;
    const arn =
      aliasName !== undefined
        ? aliases.get(aliasName)
        : keyId.startsWith('arn:')
          ? keyId
          : `arn:aws:kms:${region}:${ACCOUNT}:key/${keyId}`;
    const key = arn === undefined ? undefined : keys.get(arn);
    if (key === undefined) throw new KmsFault('NotFoundException', `Key '${keyId}' does not exist`);
    if (!key.enabled) throw new KmsFault('DisabledException', `${key.arn} is disabled.`);
    return key;
  };

  const encrypt = (key: EmulatedKey, plaintext: Buffer, context: unknown): Buffer => {
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key.material, nonce);
    cipher.setAAD(contextBytes(context));
    const sealed = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    const arn = Buffer.from(key.arn, 'utf8');
    return Buffer.concat([Buffer.of(arn.length), arn, nonce, sealed, cipher.getAuthTag()]);
  };

  const decrypt = (
    blob: Buffer,
    requestedKeyId: unknown,
    context: unknown,
  ): { key: EmulatedKey; plaintext: Buffer } => {
    const arnLength = blob[0] ?? 0;
    if (blob.length < 1 + arnLength + NONCE_BYTES + TAG_BYTES) {
      throw new KmsFault('InvalidCiphertextException', 'The ciphertext is malformed.');
    }
    const arn = blob.subarray(1, 1 + arnLength).toString('utf8');
    const key = resolve(arn);
    if (requestedKeyId !== undefined && resolve(requestedKeyId).arn !== key.arn) {
      throw new KmsFault(
        'IncorrectKeyException',
        'The key ID in the request does not identify the key that encrypted the ciphertext.',
      );
    }
    const body = blob.subarray(1 + arnLength);
    const decipher = createDecipheriv('aes-256-gcm', key.material, body.subarray(0, NONCE_BYTES));
    decipher.setAAD(contextBytes(context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return {
        key,
        plaintext: Buffer.concat([
          decipher.update(body.subarray(NONCE_BYTES, body.length - TAG_BYTES)),
          decipher.final(),
        ]),
      };
    } catch {
      throw new KmsFault('InvalidCiphertextException', '');
    }
  };

  const operations: Record<string, (input: Record<string, unknown>) => unknown> = {
    GenerateDataKey: (input) => {
      const key = resolve(input.KeyId);
      const bytes =
        input.KeySpec === 'AES_128'
          ? 16
          : input.NumberOfBytes !== undefined
            ? Number(input.NumberOfBytes)
            : 32;
      const plaintext = randomBytes(bytes);
      return {
        KeyId: key.arn,
        Plaintext: plaintext.toString('base64'),
        CiphertextBlob: encrypt(key, plaintext, input.EncryptionContext).toString('base64'),
      };
    },
    Encrypt: (input) => {
      const key = resolve(input.KeyId);
      const plaintext = Buffer.from(String(input.Plaintext ?? ''), 'base64');
      return {
        KeyId: key.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        CiphertextBlob: encrypt(key, plaintext, input.EncryptionContext).toString('base64'),
      };
    },
    Decrypt: (input) => {
      const blob = Buffer.from(String(input.CiphertextBlob ?? ''), 'base64');
      const { key, plaintext } = decrypt(blob, input.KeyId, input.EncryptionContext);
      return {
        KeyId: key.arn,
        EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
        Plaintext: plaintext.toString('base64'),
      };
    },
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('TrentService.') ? target.slice('TrentService.'.length) : '';
    const input = JSON.parse((await readBody(request, 1_000_000)).toString('utf8') || '{}') as Record<
      string,
      unknown
    >;
    const call: KmsCall = {
      operation,
      ...(typeof input.KeyId === 'string' ? { keyId: input.KeyId } : {}),
      ...(input.EncryptionContext
        ? { encryptionContext: input.EncryptionContext as Record<string, string> }
        : {}),
    };
    calls.push(call);
    const run = operations[operation];
    try {
      if (run === undefined) throw new KmsFault('UnknownOperationException', `${target} is not emulated`);
      sendAmzJson(response, 200, run(input));
    } catch (error) {
      if (!(error instanceof KmsFault)) throw error;
      call.error = error.type;
      sendAmzJson(response, 400, { __type: error.type, message: error.message });
    }
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((error: Error) => {
      if (!response.headersSent)
        sendJson(response, 500, { __type: 'KMSInternalException', message: error.message });
    });
  });
  const port = await listen(server, options.port ?? 0, host);
  return {
    endpoint: `http://${reachableHost(host)}:${port}`,
    region,
    createKey: (alias) => {
      const arn = `arn:aws:kms:${region}:${ACCOUNT}:key/${randomUUID()}`;
      keys.set(arn, { arn, material: randomBytes(32), enabled: true });
      if (alias !== undefined) aliases.set(alias, arn);
      return arn;
    },
    disableKey: (keyIdOrAlias) => {
      resolve(keyIdOrAlias).enabled = false;
    },
    calls: () => [...calls],
    stop: () => closeServer(server),
  };
}

/** The encryption context in a canonical order, so {a, b} and {b, a} are the same context. */
function contextBytes(context: unknown): Buffer {
  const entries = Object.entries((context ?? {}) as Record<string, string>).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return Buffer.from(JSON.stringify(entries), 'utf8');
}

function sendAmzJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'content-length': Buffer.byteLength(text),
    'x-amzn-requestid': randomUUID(),
  });
  response.end(text);
}
