const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML element or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]);
}

/** A catalog string with `{name}` placeholders filled by escaped values; the string itself is escaped too. */
export function fill(template: string, values: Record<string, string>): string {
  return escapeHtml(template).replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? escapeHtml(values[name]) : whole,
  );
}

const STYLE = `body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2328;line-height:1.5}
h1{font-size:1.5rem}button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #1f6feb;background:#1f6feb;color:#fff;cursor:pointer}
table{border-collapse:collapse;margin:1rem 0}th,td{padding:.25rem .75rem;text-align:center}th:first-child,td:first-child{text-align:left}
.notice{padding:.5rem 1rem;border-radius:.375rem;background:#dafbe1}.notice.problem{background:#ffebe9}label{display:block;margin:1rem 0}`;

/** A whole page; `body` must already be HTML (escaped). No script: the pages work without JavaScript. */
export function htmlPage(language: string, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="${escapeHtml(language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
</body>
</html>
`;
}
