import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log: one hash chain per tenant and one for the platform operators. Appending is one
 * function call that serialises on the chain (an advisory transaction lock, so several gateway
 * replicas never fork a chain), reads the chain's head and inserts the next entry with its hash.
 * Triggers refuse every UPDATE, DELETE and TRUNCATE: the gateway's role owns the table, so a
 * REVOKE would not bind it. The hash encoding here and in audit-entry-hash.ts must stay the same.
 */
export class CreateAuditLog1796600000000 implements MigrationInterface {
  name = 'CreateAuditLog1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE gateway.audit_log (
        id uuid PRIMARY KEY,
        chain varchar(80) NOT NULL,
        sequence bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        actor_type varchar(16) NOT NULL,
        actor_id varchar(200),
        actor_role varchar(32),
        action varchar(300) NOT NULL,
        target text NOT NULL,
        status smallint NOT NULL,
        request_id varchar(128) NOT NULL,
        client_address varchar(64),
        body_digest char(64),
        before_digest char(64),
        previous_hash char(64),
        hash char(64) NOT NULL,
        CONSTRAINT audit_log_chain_sequence_unique UNIQUE (chain, sequence)
      )`);
    // Length-prefixed, so that no two different entries encode alike; '~' is a missing value.
    await queryRunner.query(`
      CREATE FUNCTION gateway.audit_field(value text) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN value IS NULL THEN '~' ELSE octet_length(value)::text || ':' || value END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION gateway.audit_time(at timestamptz) RETURNS text
      LANGUAGE sql IMMUTABLE AS $$
        SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION gateway.append_audit_entry(
        entry_id uuid,
        entry_chain text,
        entry_actor_type text,
        entry_actor_id text,
        entry_actor_role text,
        entry_action text,
        entry_target text,
        entry_status smallint,
        entry_request_id text,
        entry_client_address text,
        entry_body_digest text,
        entry_before_digest text
      ) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE
        head_sequence bigint;
        head_hash text;
        entry_sequence bigint;
        entry_recorded_at timestamptz;
        entry_hash text;
      BEGIN
        -- Held until commit. Each statement below takes a new snapshot, so it sees the head
        -- that the previous holder of the lock committed.
        PERFORM pg_advisory_xact_lock(hashtextextended('gateway.audit_log:' || entry_chain, 0));
        SELECT l.sequence, l.hash INTO head_sequence, head_hash
          FROM gateway.audit_log l WHERE l.chain = entry_chain ORDER BY l.sequence DESC LIMIT 1;
        entry_sequence := coalesce(head_sequence, 0) + 1;
        entry_recorded_at := clock_timestamp();
        entry_hash := encode(sha256(convert_to(
          'audit-v1'
          || gateway.audit_field(entry_id::text)
          || gateway.audit_field(entry_chain)
          || gateway.audit_field(entry_sequence::text)
          || gateway.audit_field(gateway.audit_time(entry_recorded_at))
          || gateway.audit_field(entry_actor_type)
          || gateway.audit_field(entry_actor_id)
          || gateway.audit_field(entry_actor_role)
          || gateway.audit_field(entry_action)
          || gateway.audit_field(entry_target)
          || gateway.audit_field(entry_status::text)
          || gateway.audit_field(entry_request_id)
          || gateway.audit_field(entry_client_address)
          || gateway.audit_field(entry_body_digest)
          || gateway.audit_field(entry_before_digest)
          || gateway.audit_field(head_hash),
          'UTF8')), 'hex');
        INSERT INTO gateway.audit_log (
          id, chain, sequence, recorded_at, actor_type, actor_id, actor_role, action, target, status,
          request_id, client_address, body_digest, before_digest, previous_hash, hash
        ) VALUES (
          entry_id, entry_chain, entry_sequence, entry_recorded_at, entry_actor_type, entry_actor_id,
          entry_actor_role, entry_action, entry_target, entry_status, entry_request_id,
          entry_client_address, entry_body_digest, entry_before_digest, head_hash, entry_hash
        );
        RETURN entry_sequence;
      END
      $$`);
    await queryRunner.query(`
      CREATE FUNCTION gateway.refuse_audit_log_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'gateway.audit_log is append-only: % refused', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    // Per statement: even an UPDATE or DELETE that matches no row is refused, and TRUNCATE too.
    await queryRunner.query(`
      CREATE TRIGGER audit_log_append_only
      BEFORE UPDATE OR DELETE OR TRUNCATE ON gateway.audit_log
      FOR EACH STATEMENT EXECUTE FUNCTION gateway.refuse_audit_log_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE gateway.audit_log`);
    await queryRunner.query(`DROP FUNCTION gateway.refuse_audit_log_change()`);
    await queryRunner.query(
      `DROP FUNCTION gateway.append_audit_entry(uuid, text, text, text, text, text, text, smallint, text, text, text, text)`,
    );
    await queryRunner.query(`DROP FUNCTION gateway.audit_time(timestamptz)`);
    await queryRunner.query(`DROP FUNCTION gateway.audit_field(text)`);
  }
}
