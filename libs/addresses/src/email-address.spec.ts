import { normaliseEmailAddress } from './email-address';

describe('normaliseEmailAddress', () => {
  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  ada@example.com\t', 'ada@example.com'],
    ['Ada.Lovelace@Example.COM', 'Ada.Lovelace@example.com'],
    ['ada+news@mail.example.co.uk', 'ada+news@mail.example.co.uk'],
    ["o'neil@example.ie", "o'neil@example.ie"],
    ['first.last-name_1@sub-domain.example.org', 'first.last-name_1@sub-domain.example.org'],
    ['ada@bücher.example', 'ada@xn--bcher-kva.example'],
    ['ada@BÜCHER.example', 'ada@xn--bcher-kva.example'],
    ['ada@münchen.de', 'ada@xn--mnchen-3ya.de'],
    ['ada@例子.测试', 'ada@xn--fsqu00a.xn--0zwm56d'],
    ['ada@xn--bcher-kva.example', 'ada@xn--bcher-kva.example'],
    ['user@123.example.com', 'user@123.example.com'],
    // An at sign in the local part is only possible quoted; the last @ splits.
    ['nanny@nanny.com', 'nanny@nanny.com'],
    ['test@example.com', 'test@example.com'],
    ['none.of.the.above@example.com', 'none.of.the.above@example.com'],
  ])('cleans %j to %s', (input, address) => {
    const checked = normaliseEmailAddress(input);
    expect(checked).toMatchObject({ ok: true, value: { address } });
  });

  it('keeps the parts apart, the domain in ASCII', () => {
    expect(normaliseEmailAddress('Ada@Bücher.Example')).toEqual({
      ok: true,
      value: { address: 'Ada@xn--bcher-kva.example', localPart: 'Ada', domain: 'xn--bcher-kva.example' },
    });
  });

  it.each([
    ['', 'is empty'],
    ['   ', 'is empty'],
    ['ada', 'needs a local part, an @ and a domain'],
    ['@example.com', 'needs a local part, an @ and a domain'],
    ['ada@', 'needs a local part, an @ and a domain'],
    ['ada@localhost', 'has a domain without a top-level domain'],
    ['ada@example..com', 'has a domain with an empty label (two dots in a row, or a dot at an end)'],
    ['ada@-example.com', 'has the domain label "-example", which is not a host name label'],
    ['ada@ex_ample.com', 'has the domain label "ex_ample", which is not a host name label'],
    ['ada@exa mple.com', 'has a domain that is not a host name'],
    ['ada@1.2.3.4', 'has a domain whose top-level domain is a number'],
    ['ada@[192.0.2.1]', 'has an address literal for a domain, which is not accepted'],
    ['"ada lovelace"@example.com', 'has a quoted local part, which is not accepted'],
    [
      'ada..lovelace@example.com',
      "has a local part with characters other than letters, digits and !#$%&'*+/=?^_`{|}~- or with dots out of place",
    ],
    [
      '.ada@example.com',
      "has a local part with characters other than letters, digits and !#$%&'*+/=?^_`{|}~- or with dots out of place",
    ],
    [
      'ädä@example.com',
      "has a local part with characters other than letters, digits and !#$%&'*+/=?^_`{|}~- or with dots out of place",
    ],
    [
      'ada lovelace@example.com',
      "has a local part with characters other than letters, digits and !#$%&'*+/=?^_`{|}~- or with dots out of place",
    ],
    [`${'a'.repeat(65)}@example.com`, 'has a local part longer than 64 characters'],
    [`ada@${'a'.repeat(64)}.com`, 'has a domain label longer than 63 characters'],
    [
      `ada.lovelace@${'a'.repeat(60)}.${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`,
      'is longer than 254 characters',
    ],
  ])('refuses %j: %s', (input, problem) => {
    expect(normaliseEmailAddress(input)).toEqual({ ok: false, problem });
  });

  it.each([
    'test@test.com',
    'TEST@Test.com',
    'none@none.com',
    'x@x.x',
    'email@email.com',
    'asdf@asdf.com',
    'null@acme.com',
    'N/A@acme.com',
    'noemail@acme.com',
    'no-email@acme.com',
    'unknown@acme.com',
    'ada@noemail.com',
    'ada@none.com',
  ])('refuses the placeholder %s', (input) => {
    expect(normaliseEmailAddress(input)).toEqual({
      ok: false,
      problem: 'is a placeholder, not an address anyone receives mail at',
    });
  });

  it('refuses the reserved .invalid domain, saying it never receives mail', () => {
    expect(normaliseEmailAddress('ada@nowhere.INVALID')).toEqual({
      ok: false,
      problem: 'is in the reserved .invalid domain, which never receives mail',
    });
  });
});
