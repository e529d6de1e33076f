import { escapeHtml, toSingleLineHeader } from './escape-html';

describe('escapeHtml', () => {
  it('escapes the five characters that matter in text and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('returns other text unchanged', () => {
    expect(escapeHtml('Grüße, Ada: 100% €')).toBe('Grüße, Ada: 100% €');
  });
});

describe('toSingleLineHeader', () => {
  it('turns line breaks and control characters into one space, keeping tabs', () => {
    expect(toSingleLineHeader('a\r\nb\nc\rd\u2028e\u0000f\tg')).toBe('a b c d e f\tg');
  });
});
