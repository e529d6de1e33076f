import { chooseLanguage, pageStringsFor } from './page-strings';
import { escapeHtml, fill } from './html';

describe('public page strings', () => {
  it('chooses the best language we have by quality, then by order, and English otherwise', () => {
    expect(chooseLanguage('de-CH,de;q=0.9,en;q=0.8', ['en', 'de'])).toBe('de');
    expect(chooseLanguage('fr, en;q=0.5, de;q=0.7', ['en', 'de'])).toBe('de');
    expect(chooseLanguage('de;q=0, en', ['en', 'de'])).toBe('en');
    expect(chooseLanguage('ja', ['en', 'de'])).toBe('en');
    expect(chooseLanguage(undefined, ['en', 'de'])).toBe('en');
    expect(chooseLanguage(';;;,q=', ['en', 'de'])).toBe('en');
  });

  it('has every English string in German too', () => {
    const english = pageStringsFor('en');
    const german = pageStringsFor('de');

    expect(Object.keys(german).sort()).toEqual(Object.keys(english).sort());
    expect(Object.keys(german.categories).sort()).toEqual(Object.keys(english.categories).sort());
    expect(german.language).toBe('de');
  });

  it('escapes the values put into a string, and the string itself', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
    expect(fill('Stop {category} & more', { category: '<b>news</b>' })).toBe(
      'Stop &lt;b&gt;news&lt;/b&gt; &amp; more',
    );
  });
});
