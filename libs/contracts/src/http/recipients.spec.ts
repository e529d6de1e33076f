import { Recipient } from '../common';
import { validate } from '../validation';
import { ImportedRecipient, PatchRecipientRequest, UpsertRecipientRequest } from './recipients';

const fieldsOf = (result: ReturnType<typeof validate>) => (result.ok ? [] : result.problems);

describe('recipient profile contracts', () => {
  it('takes a whole profile with attributes of any JSON', () => {
    const result = validate(UpsertRecipientRequest, {
      email: 'ada@example.com',
      phone: '+14155550123',
      timeZone: 'Europe/London',
      locale: 'en-GB',
      attributes: { plan: 'pro', seats: 12, lastPurchase: { sku: 'A-1' }, tags: ['beta'] },
    });

    expect(result.ok).toBe(true);
  });

  it('names attributes when there are more than 100 or they take more than 8 KiB', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, index) => [`key${index}`, index]));

    expect(fieldsOf(validate(UpsertRecipientRequest, { attributes: many }))).toEqual([
      { field: 'attributes', problem: 'must have at most 100 attributes' },
    ]);
    expect(fieldsOf(validate(PatchRecipientRequest, { attributes: { notes: 'é'.repeat(4100) } }))).toEqual([
      { field: 'attributes', problem: 'must take at most 8192 bytes as JSON' },
    ]);
  });

  it('names a time zone that is not IANA and a locale that is not BCP 47', () => {
    expect(
      fieldsOf(validate(UpsertRecipientRequest, { timeZone: 'GMT+2', locale: 'en_GB' })).map(
        (problem) => problem.field,
      ),
    ).toEqual(['timeZone', 'locale']);
  });

  it('takes an email with an internationalised domain, at the profile and on a message', () => {
    expect(validate(ImportedRecipient, { recipientId: 'ada', email: 'ada@bücher.example' }).ok).toBe(true);
    expect(validate(Recipient, { email: 'ada@bücher.example' }).ok).toBe(true);
    expect(fieldsOf(validate(Recipient, { email: 'ada@bücher' }))).toEqual([
      { field: 'email', problem: 'Invalid email address' },
    ]);
  });
});
