import { normaliseEmailAddress, normalisePhoneNumber } from '@switchboard/addresses';
import type { UpsertRecipientRequest, ValidationProblem } from '@switchboard/contracts';
import type { RecipientChanges, RecipientProfile } from './recipient';

export type CleanedProfile =
  { ok: true; changes: RecipientChanges } | { ok: false; problems: ValidationProblem[] };

/**
 * The fields a request gives, with its email address and phone number cleaned as every address
 * is (lower-case ASCII domain, E.164, placeholders and unassigned numbers refused). A field left
 * out stays out; null stays null. `at` prefixes the fields named in problems (a batch item's).
 */
export function cleanProfile(request: UpsertRecipientRequest, at = ''): CleanedProfile {
  const problems: ValidationProblem[] = [];
  const changes: RecipientChanges = {};
  if (typeof request.email === 'string') {
    const checked = normaliseEmailAddress(request.email);
    if (checked.ok) changes.email = checked.value.address;
    else problems.push({ field: `${at}email`, problem: checked.problem });
  } else if (request.email === null) {
    changes.email = null;
  }
  if (typeof request.phone === 'string') {
    // The contract takes E.164 only, so no region is needed to read it.
    const checked = normalisePhoneNumber(request.phone);
    if (checked.ok) changes.phone = checked.value.e164;
    else problems.push({ field: `${at}phone`, problem: checked.problem });
  } else if (request.phone === null) {
    changes.phone = null;
  }
  if (request.timeZone !== undefined) changes.timeZone = request.timeZone;
  if (request.locale !== undefined) changes.locale = request.locale;
  if (request.attributes !== undefined) changes.attributes = request.attributes;
  return problems.length > 0 ? { ok: false, problems } : { ok: true, changes };
}

/** The profile a PUT or an import writes: what the request left out is cleared. */
export function wholeProfile(changes: RecipientChanges): RecipientProfile {
  return {
    email: changes.email ?? null,
    phone: changes.phone ?? null,
    timeZone: changes.timeZone ?? null,
    locale: changes.locale ?? null,
    attributes: changes.attributes ?? {},
  };
}
