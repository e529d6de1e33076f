export {
  BLIND_INDEX_BYTES,
  BlindIndex,
  normaliseForIndex,
  type BlindIndexInput,
  type BlindIndexKind,
} from './blind-index';
export { systemClock, type Clock } from './clock';
export {
  createEncryption,
  keyProviderFrom,
  type Encryption,
  type EncryptionConfig,
} from './create-encryption';
export { DataKeyStore, type DataKey, type DataKeySource, type DataKeyStoreOptions } from './data-key-store';
export { EncryptionError, isKeyDestroyed, type EncryptionErrorCode } from './encryption-error';
export { encryptionVariables } from './encryption-variables';
export {
  associatedData,
  CIPHERTEXT_PREFIX,
  decryptWithKey,
  encryptWithKey,
  isEncrypted,
  parseCiphertext,
  type DataKeyMaterial,
  type JsonValue,
  type ParsedCiphertext,
  type ValueContext,
} from './envelope';
export {
  FieldEncryptor,
  type DecryptedValue,
  type DecryptFieldsOptions,
  type EncryptionScope,
  type ValueToDecrypt,
  type ValueToEncrypt,
} from './field-encryptor';
export { LocalKeyProvider, type KeyProvider, type WrappedDataKey } from './key-provider';
export {
  DATA_KEYS_TABLE,
  DEFAULT_ENCRYPTION_SCHEMA,
  DESTROYED_KEYS_TABLE,
  encryptionKeyTablesDropSql,
  ensureEncryptionKeyTables,
  encryptionKeyTablesSql,
  type SqlQuery,
} from './key-tables';
export { KmsKeyProvider, type KmsKeyProviderOptions } from './kms-key-provider';
export {
  blindIndexSecretSchema,
  masterKeyringSchema,
  MINIMUM_SECRET_BYTES,
  parseBlindIndexSecret,
  parseMasterKeyring,
  type MasterKey,
  type MasterKeyring,
} from './master-keys';
export {
  rotateDataKeys,
  type RotateDataKeysOptions,
  type RotationProgress,
  type RotationReport,
} from './rotate-data-keys';
export { EncryptionModule, ENCRYPTION, sqlQueryOf } from './nest/encryption.module';
export { PayloadEncryption } from './payload-encryption';
export { connectPayloadCipher, type StandalonePayloadCipher } from './standalone-payload-cipher';
export { InMemoryDataKeys } from './in-memory-data-keys';
