import { emailAddressProblem } from './email-address';

describe('emailAddressProblem', () => {
  it.each(['ada@example.com', 'ada.lovelace+news@mail.example.co.uk', 'x@xn--bcher-kva.example'])(
    'finds nothing wrong with %s',
    (address) => {
      expect(emailAddressProblem(address)).toBeUndefined();
    },
  );

  it.each([
    ['someone@nowhere.invalid', 'the .invalid domain never receives mail'],
    [`${'a'.repeat(65)}@example.com`, 'local part longer than 64 characters'],
    [`ada@${'a'.repeat(64)}.com`, 'a domain label is longer than 63 characters'],
    [`ada@${`${'a'.repeat(60)}.`.repeat(5)}com`, 'longer than 254 characters'],
    ['ada@bad-.example.com', 'the domain label "bad-" is not a host name'],
    ['ada@localhost', 'the domain needs a top-level domain'],
    ['ada@', 'needs a local part, an @ and a domain'],
  ])('rejects %s: %s', (address, problem) => {
    expect(emailAddressProblem(address)).toBe(problem);
  });
});
