import { escapeHtml, htmlPage } from '../unsubscribe/pages/html';
import { categoryLabel, type PageStrings } from '../unsubscribe/pages/page-strings';
import { CHANNELS, categoriesShown, isReceiving, type StoredPreferences } from './preference-page-form';

export type PreferencePageNotice = 'saved' | 'invalid' | undefined;

export function preferencePage(
  strings: PageStrings,
  token: string,
  preferences: StoredPreferences,
  linkCategory: string,
  notice: PreferencePageNotice,
): string {
  const checked = (on: boolean) => (on ? ' checked' : '');
  const rows = categoriesShown(preferences, linkCategory)
    .map((category) => {
      const name = escapeHtml(category);
      const label = escapeHtml(categoryLabel(strings, category));
      const channelCells = CHANNELS.map(
        (channel) =>
          `<td><input type="checkbox" name="channel.${name}.${channel}" aria-label="${label}: ${escapeHtml(
            strings.channels[channel],
          )}"${checked(isReceiving(preferences, category, channel))}></td>`,
      ).join('');
      return `<tr><td>${label}<input type="hidden" name="category" value="${name}"></td><td><input type="checkbox" name="enabled.${name}" aria-label="${label}: ${escapeHtml(
        strings.receiveHeading,
      )}"${checked(isReceiving(preferences, category))}></td>${channelCells}</tr>`;
    })
    .join('\n');
  const noticeHtml =
    notice === 'saved'
      ? `<p class="notice" role="status">${escapeHtml(strings.savedNotice)}</p>`
      : notice === 'invalid'
        ? `<p class="notice problem" role="alert">${escapeHtml(strings.invalidNotice)}</p>`
        : '';
  const channelHeadings = CHANNELS.map((channel) => `<th>${escapeHtml(strings.channels[channel])}</th>`).join(
    '',
  );
  return htmlPage(
    strings.language,
    strings.preferencesTitle,
    `${noticeHtml}
<p>${escapeHtml(strings.preferencesIntro)}</p>
<form method="post" action="/preferences/${escapeHtml(token)}">
<label><input type="checkbox" name="optedOut"${checked(preferences.optedOut)}> ${escapeHtml(strings.optedOutLabel)}</label>
<table>
<thead><tr><th>${escapeHtml(strings.categoryHeading)}</th><th>${escapeHtml(strings.receiveHeading)}</th>${channelHeadings}</tr></thead>
<tbody>
${rows}
</tbody>
</table>
<button type="submit">${escapeHtml(strings.saveButton)}</button>
</form>`,
  );
}
