import { placeMarkers, type MarkerPlacement } from './html-placement';

/** Places every `@@` in `html`. */
function placementsOf(html: string): MarkerPlacement[] {
  const markers = [...html.matchAll(/@@/g)].map((match) => ({ start: match.index, end: match.index + 2 }));
  return placeMarkers(html, markers);
}

describe('placeMarkers', () => {
  it('places markers in text, comments and quoted attribute values', () => {
    const html = `<p title="a @@" data-x='@@'>Hi @@</p><!--[if mso]><td>@@</td><![endif]-->`;

    expect(placementsOf(html)).toEqual([
      { kind: 'attribute', attribute: 'title', valueStart: 10, valueEnd: 14 },
      { kind: 'attribute', attribute: 'data-x', valueStart: 24, valueEnd: 26 },
      { kind: 'text' },
      { kind: 'text' },
    ]);
  });

  it('marks CSS, JavaScript, unquoted values and bare tag positions as unsafe', () => {
    const html =
      '<style>.a{color:@@}</style><div style="color:@@" onclick="f(@@)"></div>' +
      '<script>var a="@@"</script><a href=@@ @@>x</a>';

    expect(
      placementsOf(html).map((placement) =>
        placement.kind === 'unsafe' ? placement.reason : placement.kind,
      ),
    ).toEqual([
      'is inside a <style> element (CSS)',
      'is inside a style attribute (CSS)',
      'is inside the onclick attribute (JavaScript)',
      'is inside a <script> element (JavaScript)',
      'is inside the unquoted value of the href attribute',
      'is inside a tag, outside any attribute value',
    ]);
  });

  it('goes back to text after a raw-text element closes, whatever its case', () => {
    expect(placementsOf('<STYLE>p{}</Style><p>@@</p>')).toEqual([{ kind: 'text' }]);
  });
});
