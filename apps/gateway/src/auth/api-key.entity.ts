import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An API key of a tenant. Only the key's sha256 is stored; the key itself is shown once. */
@Entity({ schema: 'gateway', name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column({ name: 'tenant_id', type: 'varchar', length: 64 })
  tenantId!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ name: 'key_hash', type: 'char', length: 64, unique: true })
  keyHash!: string;

  @Column({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** One of the roles, or null when the key has its own scope list. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  role!: string | null;

  @Column({ type: 'text', array: true, nullable: true })
  scopes!: string[] | null;

  /** The key's first characters, to recognise it in a list; null for keys made before prefixes. */
  @Column({ type: 'varchar', length: 40, nullable: true })
  prefix!: string | null;

  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  /** The key that replaced this one in a rotation. */
  @Column({ name: 'rotated_to', type: 'uuid', nullable: true })
  rotatedTo!: string | null;
}
