import { DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import { z } from 'zod';
import { DATA_KEY_BYTES } from './envelope';
import { EncryptionError, parseOptions } from './encryption-error';
import type { KeyProvider, WrappedDataKey } from './key-provider';

const optionsSchema = z.strictObject({
  client: z.custom<KMSClient>(
    (value) => typeof (value as KMSClient | undefined)?.send === 'function',
    'must be a KMSClient from @aws-sdk/client-kms',
  ),
  /** The KMS key (id, ARN or alias) that wraps new data keys; stored beside each wrapped key. */
  keyId: z.string().min(1).max(2048),
});

export type KmsKeyProviderOptions = z.input<typeof optionsSchema>;

/**
 * AWS KMS holds the master key: data keys come from GenerateDataKey and are unwrapped with
 * Decrypt, the data key id riding along as encryption context, so KMS refuses a wrapped key read
 * back for another id (and CloudTrail shows which key was asked for). Rotation to another KMS key
 * unwraps with the old one and wraps with Encrypt under the new one.
 */
export class KmsKeyProvider implements KeyProvider {
  readonly wrappingKeyId: string;
  private readonly client: KMSClient;

  constructor(options: KmsKeyProviderOptions) {
    const valid = parseOptions(optionsSchema, options, 'KMS key provider options');
    this.client = valid.client;
    this.wrappingKeyId = valid.keyId;
  }

  async generateDataKey(dataKeyId: string): Promise<{ material: Buffer; wrapped: WrappedDataKey }> {
    const output = await this.call('GenerateDataKey', dataKeyId, () =>
      this.client.send(
        new GenerateDataKeyCommand({
          KeyId: this.wrappingKeyId,
          KeySpec: 'AES_256',
          EncryptionContext: encryptionContext(dataKeyId),
        }),
      ),
    );
    if (output.Plaintext === undefined || output.CiphertextBlob === undefined) {
      throw providerError('GenerateDataKey', dataKeyId, 'the answer had no Plaintext or CiphertextBlob');
    }
    return {
      material: checkedKey(Buffer.from(output.Plaintext), dataKeyId),
      wrapped: { masterKeyId: this.wrappingKeyId, wrappedKey: Buffer.from(output.CiphertextBlob) },
    };
  }

  async wrapDataKey(material: Buffer, dataKeyId: string): Promise<WrappedDataKey> {
    const output = await this.call('Encrypt', dataKeyId, () =>
      this.client.send(
        new EncryptCommand({
          KeyId: this.wrappingKeyId,
          Plaintext: material,
          EncryptionContext: encryptionContext(dataKeyId),
        }),
      ),
    );
    if (output.CiphertextBlob === undefined) {
      throw providerError('Encrypt', dataKeyId, 'the answer had no CiphertextBlob');
    }
    return { masterKeyId: this.wrappingKeyId, wrappedKey: Buffer.from(output.CiphertextBlob) };
  }

  async unwrapDataKey(wrapped: WrappedDataKey, dataKeyId: string): Promise<Buffer> {
    const output = await this.call('Decrypt', dataKeyId, () =>
      this.client.send(
        new DecryptCommand({
          KeyId: wrapped.masterKeyId,
          CiphertextBlob: wrapped.wrappedKey,
          EncryptionContext: encryptionContext(dataKeyId),
        }),
      ),
    );
    if (output.Plaintext === undefined)
      throw providerError('Decrypt', dataKeyId, 'the answer had no Plaintext');
    return checkedKey(Buffer.from(output.Plaintext), dataKeyId);
  }

  private async call<T>(operation: string, dataKeyId: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      const name = (error as { name?: string }).name ?? 'Error';
      // A changed or misplaced wrapped key is a decryption failure, not an outage to retry.
      if (name === 'InvalidCiphertextException') {
        throw new EncryptionError(
          'DECRYPTION_FAILED',
          `KMS refused to unwrap data key ${dataKeyId}: changed, or copied from another key`,
          [],
          { cause: error },
        );
      }
      throw providerError(operation, dataKeyId, `${name}: ${(error as Error).message}`, error);
    }
  }
}

function encryptionContext(dataKeyId: string): Record<string, string> {
  return { 'switchboard:data-key': dataKeyId };
}

function checkedKey(material: Buffer, dataKeyId: string): Buffer {
  if (material.length !== DATA_KEY_BYTES) {
    throw providerError(
      'unwrap',
      dataKeyId,
      `KMS returned ${material.length} key bytes, not ${DATA_KEY_BYTES}`,
    );
  }
  return material;
}

function providerError(
  operation: string,
  dataKeyId: string,
  detail: string,
  cause?: unknown,
): EncryptionError {
  return new EncryptionError(
    'KEY_PROVIDER_FAILED',
    `KMS ${operation} for data key ${dataKeyId}: ${detail}`,
    [],
    {
      cause,
    },
  );
}
