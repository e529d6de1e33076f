import { cutText, MASKED_TEXT_LIMIT, maskPersonalData } from './personal-data';

describe('maskPersonalData', () => {
  it.each([
    ['sent to jane.doe@example.com', 'sent to j***@example.com'],
    ['cc a@mail.example.co.uk, Bob+news@x.io', 'cc a***@mail.example.co.uk, B***@x.io'],
    ['<ada.lovelace@example.com>; "grace@example.org"', '<a***@example.com>; "g***@example.org"'],
    ['to=jürgen@example.de', 'to=j***@example.de'],
    ['sms to +4915112345678 queued', 'sms to +***********78 queued'],
    ['call +14155550123.', 'call +*********23.'],
    ['SMS to +44 20 7946 0958 failed', 'SMS to +** ** **** **58 failed'],
    ['dial +1 (415) 555-0123 now', 'dial +* (***) ***-**23 now'],
    ['Authorization: Bearer eyJhbGciOi.eyJzdWIi.sig-_x==', 'Authorization: Bearer [REDACTED]'],
    ['basic auth with Basic dXNlcjpwYXNz', 'basic auth with Basic [REDACTED]'],
    ['header "bearer abcdef123456"', 'header "bearer [REDACTED]"'],
    ['postgres://app:s3cret@db:5432/switchboard', 'postgres://app:[REDACTED]@db:5432/switchboard'],
    ['GET /unsubscribe?token=abc123&list=news', 'GET /unsubscribe?token=[REDACTED]&list=news'],
    ['api_key=sb_live_123 password=hunter2', 'api_key=[REDACTED] password=[REDACTED]'],
    ['Access-Token=t1 PASSWD=p2 Secret=s3', 'Access-Token=[REDACTED] PASSWD=[REDACTED] Secret=[REDACTED]'],
  ])('masks %j', (text, expected) => {
    expect(maskPersonalData(text)).toBe(expected);
  });

  it.each([
    'message 0b9f2c1e-7d7a-4a57-9f0b-6a3c2d1e4f5a accepted',
    // Phone numbers are E.164 everywhere in the platform, so a bare digit run is an id, an
    // offset or a time in milliseconds, and stays readable.
    'order 12345678901 shipped at 1767225600000',
    'offset 41 at 2026-03-01T10:00:00+01:00',
    'retry in 30000 ms, attempt 3',
    'version 1.2.3, +3 more, +1234567890123456 is too long for a phone number',
    'the bearer of this token is the owner',
    'user@localhost and a@b.c are not addresses mail could reach',
  ])('leaves %j alone', (text) => {
    expect(maskPersonalData(text)).toBe(text);
  });

  it('is stable when applied twice', () => {
    const once = maskPersonalData(
      'jane@example.com +4915112345678 +44 20 7946 0958 Bearer abcdefghij token=x postgres://a:b@c',
    );

    expect(maskPersonalData(once)).toBe(once);
  });

  it('cuts long text to its limit with a marker saying how much was left out', () => {
    const masked = maskPersonalData(`${'x'.repeat(150_000)} jane@example.com`, 2048);

    expect(masked.length).toBeLessThanOrEqual(2048);
    expect(masked).toMatch(/^x+…\[\+\d{3},\d{3} characters\]$/);
    expect(maskPersonalData('y'.repeat(MASKED_TEXT_LIMIT + 1)).length).toBeLessThanOrEqual(MASKED_TEXT_LIMIT);
  });

  it('masks an address or a secret the cut runs through, rather than showing part of it', () => {
    const address = `${'x'.repeat(40)} jane.doe@example.com and more`;
    const secret = `${'x'.repeat(40)} password=hunter2hunter2 and more`;

    for (let maxLength = 30; maxLength <= 80; maxLength++) {
      expect(maskPersonalData(address, maxLength)).not.toMatch(/ja|ne\.|doe/);
      expect(maskPersonalData(secret, maxLength)).not.toMatch(/hu|nter2/);
    }
  });

  it('never ends in half of a character', () => {
    const masked = maskPersonalData(`${'x'.repeat(10)}${'😀'.repeat(20)}`, 32);

    expect(masked).toBe(`${'x'.repeat(10)}😀😀…[+35 characters]`);
  });

  describe('on a megabyte of hostile text', () => {
    const megabyte = 1_000_000;
    const repeated = (unit: string) => unit.repeat(Math.ceil(megabyte / unit.length));

    // A quadratic pattern needs minutes to hours on each of these; a linear one milliseconds.
    it.each([
      ['no spaces', repeated('a')],
      ['many @', repeated('a@')],
      ['many @ and dots', repeated('a@a.')],
      ['many dots', repeated('a.')],
      ['an address at the end of a long run', `${'a'.repeat(megabyte)}@example.com`],
      ['a domain without end', `a@${repeated('b.')}`],
      ['one long label', `a@${'b'.repeat(megabyte)}`],
      ['digit runs', repeated('1')],
      ['plus signs and digits', repeated('+1')],
      ['phone-like groups', repeated('+1 (2')],
      ['URL prefixes', repeated('a://')],
      ['URL prefixes with users', repeated('a://b:')],
      ['Bearer repeated', repeated('Bearer ')],
      ['Bearer and spaces', `Bearer${' '.repeat(megabyte)}`],
      ['secret names', repeated('token')],
      ['letters outside ASCII', repeated('ü')],
    ])('%s', (_shape, text) => {
      const masked = maskPersonalData(text, 2 * megabyte);

      expect(masked.length).toBeGreaterThan(megabyte / 2);
    });

    it.each([
      ['addresses', 'jane@example.com ', 'j***@example.com '],
      ['phone numbers', '+4915112345678 ', '+***********78 '],
      ['tokens', 'Bearer abcdefgh ', 'Bearer [REDACTED] '],
    ])('masks every one of 50,000 %s', (_kind, unit, maskedUnit) => {
      expect(maskPersonalData(unit.repeat(50_000), 2 * megabyte)).toBe(maskedUnit.repeat(50_000));
    });

    it('cuts it to the default limit first', () => {
      const masked = maskPersonalData(repeated('jane@example.com '));

      expect(masked.length).toBeLessThanOrEqual(MASKED_TEXT_LIMIT);
      expect(masked).not.toContain('jane');
    });
  });
});

describe('cutText', () => {
  it('keeps short text as it is and cuts long text with the same marker', () => {
    expect(cutText('short', 10)).toBe('short');
    expect(cutText('a'.repeat(100), 30)).toBe(`${'a'.repeat(12)}…[+88 characters]`);
  });
});
