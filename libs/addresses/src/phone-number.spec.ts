import { canReceiveSms, normalisePhoneNumber } from './phone-number';

describe('normalisePhoneNumber', () => {
  it.each([
    ['+14155550123', undefined, '+14155550123', 'FIXED_LINE_OR_MOBILE'],
    ['+1 (415) 555-0123', undefined, '+14155550123', 'FIXED_LINE_OR_MOBILE'],
    ['  +44 20 7183 8750 ', undefined, '+442071838750', 'FIXED_LINE'],
    ['020 7183 8750', 'GB', '+442071838750', 'FIXED_LINE'],
    ['(0)20 7183 8750', 'GB', '+442071838750', 'FIXED_LINE'],
    ['07400 123456', 'GB', '+447400123456', 'MOBILE'],
    ['0170 1234567', 'DE', '+491701234567', 'MOBILE'],
    ['030 123456', 'DE', '+4930123456', 'FIXED_LINE'],
    ['00 44 7400 123456', 'DE', '+447400123456', 'MOBILE'],
    ['+44 7400 123456', 'US', '+447400123456', 'MOBILE'],
    ['138 0013 8000', 'CN', '+8613800138000', 'MOBILE'],
    ['06 12 34 56 78', 'FR', '+33612345678', 'MOBILE'],
    ['(415) 555-0123', 'US', '+14155550123', 'FIXED_LINE_OR_MOBILE'],
    ['0800 123 4567', 'GB', '+448001234567', 'TOLL_FREE'],
  ])('reads %s (region %s) as %s, a %s number', (input, region, e164, type) => {
    expect(normalisePhoneNumber(input, region)).toEqual({
      ok: true,
      value: { e164, type, canReceiveSms: type !== 'FIXED_LINE' },
    });
  });

  it.each([
    ['', undefined, 'is empty'],
    ['   ', 'GB', 'is empty'],
    [
      '020 7183 8750',
      undefined,
      'must start with + and a country code (no default region is set to read national numbers in)',
    ],
    ['020 7183 8750', 'XX', 'cannot be read: XX is not a region with a numbering plan'],
    ['+999 123456', undefined, 'starts with a country code no numbering plan has'],
    ['call me: +14155550123', undefined, 'may contain only digits, a leading +, spaces and ( ) . - /'],
    ['+1 415 555 0123 ext 12', undefined, 'may contain only digits, a leading +, spaces and ( ) . - /'],
    ['tel:+14155550123', undefined, 'may contain only digits, a leading +, spaces and ( ) . - /'],
    ['+4', undefined, 'is too short to be a phone number'],
    ['+-', undefined, 'is not a phone number'],
    ['+1415555012345', undefined, 'has a length no number with country code +1 has'],
    ['+15550100', undefined, 'has a length no number with country code +1 has'],
    // The shape of E.164 and a possible length, but no area code 555 exists.
    ['+15555550123', undefined, 'is not a number in use in the numbering plan of +1'],
    // Ofcom's drama range: reserved for fiction, never assigned.
    ['+447700900123', undefined, 'is not a number in use in the numbering plan of +44'],
    ['12', 'GB', 'has a length no number with country code +44 has'],
    ['1', 'GB', 'is too short to be a phone number'],
  ])('refuses %j (region %s): %s', (input, region, problem) => {
    expect(normalisePhoneNumber(input, region)).toEqual({ ok: false, problem });
  });
});

describe('canReceiveSms', () => {
  it.each([
    ['+447400123456', true],
    ['+14155550123', true],
    ['+491701234567', true],
    ['+442071838750', false],
    ['+4930123456', false],
    // Not read here: the address checks refuse it with their own reason.
    ['+15555550123', true],
  ])('%s: %s', (e164, capable) => {
    expect(canReceiveSms(e164)).toBe(capable);
  });
});
