import { type LinkClaims, parseLinkKeyring, signLink } from '@switchboard/security';
import { randomBytes } from 'node:crypto';
import { startStubService, type StubService } from './support/stub-service';
import { createTestGateway, type TestGateway } from './support/test-gateway';

const keysText = `test:${randomBytes(32).toString('hex')}`;
const keyring = parseLinkKeyring(keysText);
const otherKeyring = parseLinkKeyring(`test:${randomBytes(32).toString('hex')}`);

const recipientLink: LinkClaims = {
  tenantId: 'acme',
  recipientId: 'user-1',
  category: 'marketing',
  purpose: 'unsubscribe',
};
const OPT_OUT_PATH = '/internal/tenants/acme/recipients/user-1/preferences/opt-outs';
const PREFERENCES_PATH = '/internal/tenants/acme/recipients/user-1/preferences';

const storedPreferences = {
  optedOut: false,
  categories: { marketing: { enabled: true, channels: { sms: false } }, 'product-news': { enabled: false } },
  channelOrder: ['push', 'email'],
  quietHours: { start: '22:00', end: '07:00' },
  updatedAt: '2026-11-30T10:00:00.000Z',
};

interface PageAnswer {
  status: number;
  headers: Headers;
  html: string;
}

describe('gateway public pages: one-click unsubscribe and the hosted preference page', () => {
  let gateway: TestGateway;
  let router: StubService;

  beforeAll(async () => {
    router = await startStubService();
    gateway = await createTestGateway({ routerUrl: router.url, env: { LINK_SIGNING_KEYS: keysText } });
  });

  afterAll(async () => {
    await gateway?.close();
    await router?.close();
  });

  beforeEach(() => {
    router.requests.length = 0;
    router.answer = () => ({ status: 404 });
  });

  /** As a browser or a mail provider calls: no API key. */
  async function page(
    method: 'GET' | 'POST',
    path: string,
    options: { body?: string | FormData; contentType?: string; language?: string } = {},
  ): Promise<PageAnswer> {
    const headers: Record<string, string> = {};
    if (options.contentType) headers['content-type'] = options.contentType;
    if (options.language) headers['accept-language'] = options.language;
    const response = await fetch(`${gateway.url}${path}`, { method, headers, body: options.body });
    return { status: response.status, headers: response.headers, html: await response.text() };
  }

  const oneClickBody = {
    body: 'List-Unsubscribe=One-Click',
    contentType: 'application/x-www-form-urlencoded',
  };

  function expectSafePage(answer: PageAnswer): void {
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
    );
    expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
    expect(answer.html).not.toContain('<script');
  }

  function forgedTokens(): Record<string, string> {
    const genuine = signLink(recipientLink, keyring);
    const [payload, signature] = genuine.split('.');
    const otherRecipient = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), r: 'user-2' }),
    ).toString('base64url');
    return {
      'signed with another key': signLink(recipientLink, otherKeyring),
      'payload changed to another recipient': `${otherRecipient}.${signature}`,
      'not a token at all': 'hello',
    };
  }

  describe('one-click unsubscribe', () => {
    it('answers 404 with a page to a forged token, for GET and POST, without calling the router', async () => {
      for (const [, token] of Object.entries(forgedTokens())) {
        const shown = await page('GET', `/v1/unsubscribe/${token}`);
        const posted = await page('POST', `/v1/unsubscribe/${token}`, oneClickBody);

        expect(shown.status).toBe(404);
        expect(posted.status).toBe(404);
        expectSafePage(posted);
        expect(posted.html).toContain('This link does not work');
      }
      expect(router.requests).toEqual([]);
    });

    it('refuses a preference page token as an unsubscribe token', async () => {
      const preferencesToken = signLink({ ...recipientLink, purpose: 'preferences' }, keyring);

      const posted = await page('POST', `/v1/unsubscribe/${preferencesToken}`, oneClickBody);

      expect(posted.status).toBe(404);
      expect(router.requests).toEqual([]);
    });

    it('shows a confirmation with a button on GET and changes nothing', async () => {
      const token = signLink(recipientLink, keyring);

      const shown = await page('GET', `/v1/unsubscribe/${token}`);

      expect(shown.status).toBe(200);
      expectSafePage(shown);
      expect(shown.html).toContain(`<form method="post" action="/v1/unsubscribe/${token}">`);
      expect(shown.html).toContain('Unsubscribe from News and offers');
      expect(shown.html).toMatch(/<a href="\/preferences\/[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+">/);
      expect(router.requests).toEqual([]);
    });

    it('opts the recipient out of the category on the one-click POST, without an API key, every time it is sent', async () => {
      router.answer = () => ({ status: 200, body: storedPreferences });
      const token = signLink(recipientLink, keyring);

      const first = await page('POST', `/v1/unsubscribe/${token}`, oneClickBody);
      const again = await page('POST', `/v1/unsubscribe/${token}`, oneClickBody);

      expect(first.status).toBe(200);
      expect(again.status).toBe(200);
      expectSafePage(first);
      expect(first.html).toContain('You are unsubscribed');
      expect(router.requests).toEqual(
        Array(2).fill({ method: 'POST', path: OPT_OUT_PATH, body: { category: 'marketing' } }),
      );
    });

    it('takes the POST as multipart, as plain text, as JSON or with no body at all', async () => {
      router.answer = () => ({ status: 200, body: storedPreferences });
      const token = signLink(recipientLink, keyring);
      const multipart = new FormData();
      multipart.set('List-Unsubscribe', 'One-Click');

      const answers = [
        await page('POST', `/v1/unsubscribe/${token}`, { body: multipart }),
        await page('POST', `/v1/unsubscribe/${token}`, {
          body: 'List-Unsubscribe=One-Click',
          contentType: 'text/plain',
        }),
        await page('POST', `/v1/unsubscribe/${token}`, { body: '{', contentType: 'application/json' }),
        await page('POST', `/v1/unsubscribe/${token}`),
      ];

      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
      expect(router.requests).toHaveLength(4);
    });

    it('suppresses the address for email in the category when the link names no recipient', async () => {
      router.answer = () => ({
        status: 201,
        body: {
          channel: 'email',
          address: 'ada@example.com',
          reason: 'unsubscribed with the link in an email',
          category: 'marketing',
          source: 'unsubscribe',
          createdAt: '2026-12-01T10:00:00.000Z',
        },
      });
      const token = signLink(
        { tenantId: 'acme', address: 'ada@example.com', category: 'marketing', purpose: 'unsubscribe' },
        keyring,
      );

      const posted = await page('POST', `/v1/unsubscribe/${token}`, oneClickBody);

      expect(posted.status).toBe(200);
      expect(posted.html).not.toContain('/preferences/');
      expect(router.requests).toEqual([
        {
          method: 'POST',
          path: '/internal/tenants/acme/suppressions',
          body: {
            channel: 'email',
            address: 'ada@example.com',
            reason: 'unsubscribed with the link in an email',
            category: 'marketing',
            source: 'unsubscribe',
          },
        },
      ]);
    });

    it('answers 503 with a page when the router is unavailable, so the provider tries again', async () => {
      router.answer = () => ({ status: 503 });
      const token = signLink(recipientLink, keyring);

      const posted = await page('POST', `/v1/unsubscribe/${token}`, oneClickBody);

      expect(posted.status).toBe(503);
      expectSafePage(posted);
      expect(posted.html).toContain('Nothing has been changed');
    });

    it('speaks German to a browser that prefers it', async () => {
      const token = signLink(recipientLink, keyring);

      const shown = await page('GET', `/v1/unsubscribe/${token}`, { language: 'fr;q=0.9, de-CH, en;q=0.5' });

      expect(shown.html).toContain('<html lang="de">');
      expect(shown.html).toContain('Von „Neuigkeiten und Angebote“ abmelden');
    });
  });

  describe('hosted preference page', () => {
    const preferencesToken = () => signLink({ ...recipientLink, purpose: 'preferences' }, keyring);

    it('shows the recipient’s preferences as a form of checkboxes that works without JavaScript', async () => {
      router.answer = () => ({ status: 200, body: storedPreferences });
      const token = preferencesToken();

      const shown = await page('GET', `/preferences/${token}`);

      expect(shown.status).toBe(200);
      expectSafePage(shown);
      expect(router.requests).toEqual([{ method: 'GET', path: PREFERENCES_PATH, body: undefined }]);
      expect(shown.html).toContain(`<form method="post" action="/preferences/${token}">`);
      expect(shown.html).toMatch(/name="enabled\.marketing"[^>]* checked>/);
      expect(shown.html).toMatch(/name="channel\.marketing\.email"[^>]* checked>/);
      expect(shown.html).not.toMatch(/name="channel\.marketing\.sms"[^>]* checked>/);
      expect(shown.html).not.toMatch(/name="enabled\.product-news"[^>]* checked>/);
      expect(shown.html).toMatch(/name="enabled\.alert"[^>]* checked>/);
      expect(shown.html).not.toMatch(/name="optedOut" checked/);
    });

    it('saves the form, keeping what the page does not show, and shows the page again with a notice', async () => {
      router.answer = (request) =>
        request.method === 'PUT'
          ? { status: 200, body: { ...(request.body as object), updatedAt: '2026-12-01T10:00:00.000Z' } }
          : { status: 200, body: storedPreferences };
      const token = preferencesToken();
      const form = new URLSearchParams([
        ['category', 'transactional'],
        ['enabled.transactional', 'on'],
        ['channel.transactional.email', 'on'],
        ['category', 'marketing'],
        ['channel.marketing.email', 'on'],
        ['category', 'alert'],
        ['enabled.alert', 'on'],
        ['channel.alert.email', 'on'],
        ['channel.alert.sms', 'on'],
        ['channel.alert.push', 'on'],
        ['channel.alert.inapp', 'on'],
      ]);

      const saved = await page('POST', `/preferences/${token}`, {
        body: form.toString(),
        contentType: 'application/x-www-form-urlencoded',
      });

      expect(saved.status).toBe(200);
      expect(saved.html).toContain('Your preferences are saved.');
      expect(saved.html).not.toMatch(/name="enabled\.marketing"[^>]* checked>/);
      const put = router.requests.find((request) => request.method === 'PUT');
      expect(put).toEqual({
        method: 'PUT',
        path: PREFERENCES_PATH,
        body: {
          optedOut: false,
          categories: {
            transactional: { enabled: true, channels: { sms: false, push: false, inapp: false } },
            marketing: { enabled: false, channels: { sms: false, push: false, inapp: false } },
            alert: { enabled: true },
            'product-news': { enabled: false },
          },
          channelOrder: ['push', 'email'],
          quietHours: { start: '22:00', end: '07:00' },
        },
      });
    });

    it('refuses a form that names a category no page could show, changing nothing', async () => {
      router.answer = () => ({ status: 200, body: storedPreferences });

      const saved = await page('POST', `/preferences/${preferencesToken()}`, {
        body: 'category=Not%20A%20Category&optedOut=on',
        contentType: 'application/x-www-form-urlencoded',
      });

      expect(saved.status).toBe(400);
      expectSafePage(saved);
      expect(saved.html).toContain('could not be saved');
      expect(router.requests.map((request) => request.method)).toEqual(['GET']);
    });

    it('answers 404 to a forged, expired or unsubscribe token, without calling the router', async () => {
      const expired = signLink(
        { ...recipientLink, purpose: 'preferences' },
        keyring,
        new Date(Date.now() - 31 * 24 * 3600 * 1000),
      );
      const tokens = [...Object.values(forgedTokens()), expired, signLink(recipientLink, keyring)];

      for (const token of tokens) {
        const shown = await page('GET', `/preferences/${token}`);
        const saved = await page('POST', `/preferences/${token}`, {
          body: 'optedOut=on',
          contentType: 'application/x-www-form-urlencoded',
        });
        expect([shown.status, saved.status]).toEqual([404, 404]);
      }
      expect(router.requests).toEqual([]);
    });
  });

  it('still refuses form bodies on the JSON API', async () => {
    const answer = await gateway.call('POST', '/v1/messages', {
      rawBody: 'to=ada',
      contentType: 'application/x-www-form-urlencoded',
    });

    expect(answer.status).toBe(415);
  });
});
