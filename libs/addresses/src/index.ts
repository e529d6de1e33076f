export type { AddressCheck } from './address-check';
export {
  normaliseEmailAddress,
  PLACEHOLDER_ADDRESSES,
  PLACEHOLDER_DOMAINS,
  PLACEHOLDER_LOCAL_PARTS,
  type NormalisedEmailAddress,
} from './email-address';
export {
  canReceiveSms,
  normalisePhoneNumber,
  type NormalisedPhoneNumber,
  type PhoneNumberType,
} from './phone-number';
