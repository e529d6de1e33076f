import { redactUrlSecrets } from './redact-url';

const TOKEN = 'eyJ0ZW5hbnQiOiJhY21lIn0.c2lnbmF0dXJl';

describe('redactUrlSecrets', () => {
  it.each([
    [
      'a path with its query',
      `/v1/inbox/stream?access_token=${TOKEN}`,
      '/v1/inbox/stream?access_token=REDACTED',
    ],
    [
      'a full URL, other parameters kept',
      `http://127.0.0.1:3104/v1/inbox/stream?lang=en&access_token=${TOKEN}#top`,
      'http://127.0.0.1:3104/v1/inbox/stream?lang=en&access_token=REDACTED#top',
    ],
    ['a bare query (url.query)', `access_token=${TOKEN}&lang=en`, 'access_token=REDACTED&lang=en'],
    ['a percent-encoded name', `/s?access%5Ftoken=${TOKEN}`, '/s?access%5Ftoken=REDACTED'],
    ['any case', `/s?Access_Token=${TOKEN}`, '/s?Access_Token=REDACTED'],
    [
      'other secret names',
      '/s?api_key=k1&password=p2&X-Amz-Signature=s3&sig=s4',
      '/s?api_key=REDACTED&password=REDACTED&X-Amz-Signature=REDACTED&sig=REDACTED',
    ],
    [
      'a repeated parameter',
      `/s?access_token=${TOKEN}&access_token=two`,
      '/s?access_token=REDACTED&access_token=REDACTED',
    ],
  ])('redacts the token in %s', (_case, text, expected) => {
    expect(redactUrlSecrets(text)).toBe(expected);
  });

  it.each([
    ['a URL without secrets', '/v1/inbox?status=all&limit=100'],
    ['text without a query', 'GET /v1/inbox/stream'],
    ['an empty secret', '/s?access_token='],
    ['a name that only contains sig', '/s?design=blue'],
  ])('leaves %s as it is', (_case, text) => {
    expect(redactUrlSecrets(text)).toBe(text);
  });
});
