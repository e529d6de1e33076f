import { findPlaceholders, scanPlaceholders } from './placeholders';

describe('scanPlaceholders', () => {
  it('finds names and dot paths with optional spaces, with their lines', () => {
    const scan = scanPlaceholders('mjml', 'Hi {{name}}\n{{ order.total }} {{\tuser_2.first }}', true);

    expect(scan.problems).toEqual([]);
    expect(scan.placeholders).toEqual([
      { variable: 'name', start: 3, end: 11, line: 1 },
      { variable: 'order.total', start: 12, end: 29, line: 2 },
      { variable: 'user_2.first', start: 30, end: 48, line: 2 },
    ]);
  });

  it.each([
    ['{{ }}', '"{{ }}"'],
    ['{{ 2fast }}', '"{{ 2fast }}"'],
    ['{{ a..b }}', '"{{ a..b }}"'],
    ['{{ name', '"{{ name</p>"'],
    ['{{{ name }}}', '"{{{ name }}"'],
    ['{{\nname }}', '"{{"'],
  ])('reports %j as not a variable', (source, snippet) => {
    const scan = scanPlaceholders('mjml', `<p>\n${source}</p>`, true);

    expect(scan.problems[0]).toEqual({
      field: 'mjml',
      problem: `line 2: ${snippet} is not a variable; write {{ name }} or {{ order.total }}`,
    });
  });

  it('leaves the line out for a one-line field', () => {
    expect(scanPlaceholders('subject', 'Hi {{ }}', false).problems).toEqual([
      { field: 'subject', problem: '"{{ }}" is not a variable; write {{ name }} or {{ order.total }}' },
    ]);
  });
});

describe('findPlaceholders', () => {
  it('finds every placeholder in compiled HTML', () => {
    expect(findPlaceholders('<a href="{{ url }}">{{name}}</a>')).toEqual([
      { start: 9, end: 18, variable: 'url' },
      { start: 20, end: 28, variable: 'name' },
    ]);
  });
});
