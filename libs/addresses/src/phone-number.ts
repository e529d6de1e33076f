import {
  type CountryCode,
  isSupportedCountry,
  type NumberType,
  ParseError,
  parsePhoneNumberWithError,
  type PhoneNumber,
} from 'libphonenumber-js/max';
import type { AddressCheck } from './address-check';

/** What the numbering plan says a number is; `UNKNOWN` when the metadata does not tell. */
export type PhoneNumberType = NonNullable<NumberType> | 'UNKNOWN';

export interface NormalisedPhoneNumber {
  /** `+` and the country code and national number, no spaces: `+442071838750`. */
  e164: string;
  type: PhoneNumberType;
  /**
   * False only for fixed lines: the metadata cannot tell a mobile from a fixed line in some plans
   * (FIXED_LINE_OR_MOBILE, all of North America), and refusing those would refuse most numbers there.
   */
  canReceiveSms: boolean;
}

// Ordinary writing of a number: digits, a leading +, and the punctuation people put between groups.
const NUMBER_CHARACTERS = /^\+?[0-9\s().\-/]+$/;

/**
 * Reads a phone number as a person or a form wrote it. With `defaultRegion` (ISO 3166-1 alpha-2,
 * such as `GB`) a national number (`020 7183 8750`) becomes E.164; without one only numbers
 * starting with + (or the international prefix 00) are read. Refuses what is not a number of any
 * numbering plan, with the problem in words.
 */
export function normalisePhoneNumber(
  input: string,
  defaultRegion?: string,
): AddressCheck<NormalisedPhoneNumber> {
  const text = input.trim();
  if (text === '') return refused('is empty');
  if (defaultRegion !== undefined && !isSupportedCountry(defaultRegion)) {
    return refused(`cannot be read: ${defaultRegion} is not a region with a numbering plan`);
  }
  if (!NUMBER_CHARACTERS.test(text)) {
    return refused('may contain only digits, a leading +, spaces and ( ) . - /');
  }
  let parsed: PhoneNumber;
  try {
    parsed = parsePhoneNumberWithError(text, {
      defaultCountry: defaultRegion as CountryCode | undefined,
      extract: false,
    });
  } catch (error) {
    return refused(parseProblem(error, text, defaultRegion));
  }
  if (!parsed.isPossible()) {
    return refused(`has a length no number with country code +${parsed.countryCallingCode} has`);
  }
  if (!parsed.isValid()) {
    return refused(`is not a number in use in the numbering plan of +${parsed.countryCallingCode}`);
  }
  const type: PhoneNumberType = parsed.getType() ?? 'UNKNOWN';
  return { ok: true, value: { e164: parsed.number, type, canReceiveSms: type !== 'FIXED_LINE' } };
}

/**
 * Whether SMS to this E.164 number is worth sending: false for a fixed line, as the numbering
 * plan's metadata tells. A number that cannot be read counts as capable here: it is the
 * address checks' to refuse, with their own reason.
 */
export function canReceiveSms(e164: string): boolean {
  const known = smsCapability.get(e164);
  if (known !== undefined) return known;
  const checked = normalisePhoneNumber(e164);
  const capable = !checked.ok || checked.value.canReceiveSms;
  // The router asks for every SMS it routes, mostly about the same numbers; reading one takes ~20 µs.
  if (smsCapability.size >= SMS_CAPABILITY_CACHE_SIZE) smsCapability.clear();
  smsCapability.set(e164, capable);
  return capable;
}

const SMS_CAPABILITY_CACHE_SIZE = 10_000;
const smsCapability = new Map<string, boolean>();

function parseProblem(error: unknown, text: string, defaultRegion: string | undefined): string {
  if (!(error instanceof ParseError)) throw error;
  switch (error.message) {
    case 'INVALID_COUNTRY':
      return defaultRegion === undefined && !/^(\+|00)/.test(text)
        ? 'must start with + and a country code (no default region is set to read national numbers in)'
        : 'starts with a country code no numbering plan has';
    case 'TOO_SHORT':
      return 'is too short to be a phone number';
    case 'TOO_LONG':
      return 'is too long to be a phone number';
    default:
      return 'is not a phone number';
  }
}

function refused(problem: string): AddressCheck<never> {
  return { ok: false, problem };
}
