import type { VerifiedLink } from '@switchboard/security';
import { escapeHtml, fill, htmlPage } from './pages/html';
import { categoryLabel, type PageStrings } from './pages/page-strings';

export function unsubscribeConfirmationPage(
  strings: PageStrings,
  token: string,
  link: VerifiedLink,
  preferencesToken: string | undefined,
): string {
  const category = { category: categoryLabel(strings, link.category) };
  return htmlPage(
    strings.language,
    strings.confirmTitle,
    `<p>${fill(strings.confirmText, category)}</p>
<form method="post" action="/v1/unsubscribe/${escapeHtml(token)}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">${fill(strings.confirmButton, category)}</button>
</form>
${preferencesLink(strings, preferencesToken)}`,
  );
}

export function unsubscribedPage(
  strings: PageStrings,
  link: VerifiedLink,
  preferencesToken: string | undefined,
): string {
  const category = { category: categoryLabel(strings, link.category) };
  const text = 'recipientId' in link ? strings.unsubscribedText : strings.unsubscribedAddressText;
  return htmlPage(
    strings.language,
    strings.unsubscribedTitle,
    `<p>${fill(text, category)}</p>
${preferencesLink(strings, preferencesToken)}`,
  );
}

export function notFoundPage(strings: PageStrings): string {
  return htmlPage(strings.language, strings.notFoundTitle, `<p>${escapeHtml(strings.notFoundText)}</p>`);
}

export function unavailablePage(strings: PageStrings): string {
  return htmlPage(
    strings.language,
    strings.unavailableTitle,
    `<p>${escapeHtml(strings.unavailableText)}</p>`,
  );
}

function preferencesLink(strings: PageStrings, preferencesToken: string | undefined): string {
  if (!preferencesToken) return '';
  return `<p><a href="/preferences/${escapeHtml(preferencesToken)}">${escapeHtml(strings.managePreferences)}</a></p>`;
}
