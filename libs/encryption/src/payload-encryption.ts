import type { PersonalData, PersonalDataOwner } from '@switchboard/contracts';
import type { OpenedPayload, PayloadCipher } from '@switchboard/messaging';
import { isEncrypted, type JsonValue, type ValueContext } from './envelope';
import type { FieldEncryptor } from './field-encryptor';

type PathStep = string | number;

/** One personal value of a batch of payloads: where it is, and the context it is sealed under. */
interface Slot {
  payload: number;
  path: PathStep[];
  value: unknown;
  context: ValueContext;
}

/**
 * The personal fields of Kafka payloads, sealed with the owner's key (the recipient's when the
 * payload names them, so erasing them makes every retained record unreadable; else the tenant's).
 * Each field is bound to its path pattern as written in the contract. A batch costs one key lookup
 * for the keys not cached, and payloads are copied along the sealed paths only.
 */
export class PayloadEncryption implements PayloadCipher {
  constructor(private readonly encryptor: FieldEncryptor) {}

  async seal(personalData: PersonalData<unknown>, payloads: readonly unknown[]): Promise<unknown[]> {
    const slots: Slot[] = [];
    payloads.forEach((payload, index) => {
      const owner = ownerOf(personalData, payload);
      if (owner === undefined) throw new TypeError('a payload to seal names no valid tenant');
      for (const [field, segments] of fieldPaths(personalData)) {
        visit(payload, segments, [], (path, value) => {
          if (value !== null && value !== undefined)
            slots.push({ payload: index, path, value, context: { ...owner, field } });
        });
      }
    });
    const result = [...payloads];
    if (slots.length === 0) return result;
    const sealed = await this.encryptor.encryptMany(
      slots.map(({ value, context }) => ({ value: value as JsonValue, context })),
    );
    slots.forEach((slot, index) => {
      result[slot.payload] = withValueAt(result[slot.payload], slot.path, sealed[index]);
    });
    return result;
  }

  async open(personalData: PersonalData<unknown>, payloads: readonly unknown[]): Promise<OpenedPayload[]> {
    const slots: Slot[] = [];
    const results: OpenedPayload[] = payloads.map((payload, index) => {
      // Without a valid owner the payload is passed on as it is: its schema names what is wrong.
      const owner = ownerOf(personalData, payload);
      if (owner === undefined) return { ok: true, payload };
      for (const [field, segments] of fieldPaths(personalData)) {
        visit(payload, segments, [], (path, value) => {
          // Plaintext passes: a record written before sealing was turned on, or by an older build.
          if (isEncrypted(value)) slots.push({ payload: index, path, value, context: { ...owner, field } });
        });
      }
      return { ok: true, payload };
    });
    if (slots.length === 0) return results;
    const opened = await this.encryptor.decryptMany(
      slots.map(({ value, context }) => ({ ciphertext: value as string, context })),
    );
    slots.forEach((slot, index) => {
      const current = results[slot.payload];
      if (!current.ok) return;
      const answer = opened[index];
      if (answer.ok) {
        results[slot.payload] = { ok: true, payload: withValueAt(current.payload, slot.path, answer.value) };
      } else if (answer.error.code === 'KEY_DESTROYED') {
        results[slot.payload] = {
          ok: false,
          reason: 'recipient-erased',
          detail: `the recipient was erased: the key of ${slot.context.field} is destroyed`,
        };
      } else {
        results[slot.payload] = {
          ok: false,
          reason: 'unreadable-payload',
          detail: `${slot.context.field} cannot be opened (${answer.error.code})`,
        };
      }
    });
    return results;
  }
}

// A contract's paths split once, not for every payload of every batch.
const splitPaths = new WeakMap<PersonalData<unknown>, Array<[string, string[]]>>();

function fieldPaths(personalData: PersonalData<unknown>): Array<[string, string[]]> {
  let paths = splitPaths.get(personalData);
  if (paths === undefined) {
    paths = personalData.fields.map((field) => [field, field.split('.')]);
    splitPaths.set(personalData, paths);
  }
  return paths;
}

/** The owner as the key store takes it (no recipientId key when there is none), or undefined. */
function ownerOf(personalData: PersonalData<unknown>, payload: unknown): PersonalDataOwner | undefined {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return undefined;
  let owner: PersonalDataOwner;
  try {
    owner = personalData.owner(payload);
  } catch {
    return undefined;
  }
  if (typeof owner.tenantId !== 'string' || owner.tenantId === '') return undefined;
  if (owner.recipientId === undefined) return { tenantId: owner.tenantId };
  if (typeof owner.recipientId !== 'string' || owner.recipientId === '') return undefined;
  return { tenantId: owner.tenantId, recipientId: owner.recipientId };
}

/** Calls `found` with the concrete path of every value at `segments` (`*`: any key or element). */
function visit(
  node: unknown,
  segments: readonly string[],
  path: PathStep[],
  found: (path: PathStep[], value: unknown) => void,
): void {
  if (segments.length === 0) {
    found(path, node);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const [segment, ...rest] = segments;
  if (Array.isArray(node)) {
    if (segment === '*') node.forEach((item, index) => visit(item, rest, [...path, index], found));
    return;
  }
  const record = node as Record<string, unknown>;
  const names = segment === '*' ? Object.keys(record) : Object.hasOwn(record, segment) ? [segment] : [];
  for (const name of names) visit(record[name], rest, [...path, name], found);
}

/** A copy of `root` with `value` at `path`, copying the containers along the path only. */
function withValueAt(root: unknown, path: readonly PathStep[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [step, ...rest] = path;
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[step as number] = withValueAt(root[step as number], rest, value);
    return copy;
  }
  const record = root as Record<string, unknown>;
  return { ...record, [step]: withValueAt(record[step as string], rest, value) };
}
