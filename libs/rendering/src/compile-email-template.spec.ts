import { compileEmailTemplate, compileEmailTemplateWith } from './compile-email-template';
import { compileMjml } from './mjml-compiler';
import { ORDER_SHIPPED_DATA, ORDER_SHIPPED_TEMPLATE } from './order-shipped.fixture';
import { htmlToPlainText } from './plain-text';
import { TemplateError } from './template-error';

/** A one-column MJML document around `content`, which starts on line 5. */
function mjmlAround(content: string, head = ''): string {
  return `<mjml>
  <mj-head>${head}</mj-head>
  <mj-body>
    <mj-section><mj-column>
${content}
    </mj-column></mj-section>
  </mj-body>
</mjml>`;
}

async function templateError(compiling: Promise<unknown> | (() => unknown)): Promise<TemplateError> {
  try {
    await (typeof compiling === 'function' ? compiling() : compiling);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError, but nothing was thrown');
}

describe('compileEmailTemplate', () => {
  it('fills placeholders in text, in href and src attributes and through nested paths', async () => {
    const template = await compileEmailTemplate({
      subject: 'Hi {{name}}',
      mjml: mjmlAround(`
        <mj-image src="{{ brand.logoUrl }}" alt="Logo" />
        <mj-text>Hello {{ name }}, your total is {{ order.totals.grand }}.</mj-text>
        <mj-button href="{{ order.trackingUrl }}">Track</mj-button>`),
    });

    const email = template.render({
      name: 'Ada',
      brand: { logoUrl: 'https://cdn.example/logo.png' },
      order: { totals: { grand: '€12.00' }, trackingUrl: 'https://track.example/1' },
    });

    expect(email.html).toContain('Hello Ada, your total is €12.00.');
    expect(email.html).toContain('src="https://cdn.example/logo.png"');
    expect(email.html).toContain('href="https://track.example/1"');
    expect(email.html).not.toContain('{{');
    expect(email.text).toContain('Hello Ada, your total is €12.00.');
    expect(email.text).toContain('Track [https://track.example/1]');
  });

  it('lists every variable of the subject and the body once, in order of first use', async () => {
    const template = await compileEmailTemplate(ORDER_SHIPPED_TEMPLATE);

    expect(template.variables.slice(0, 3)).toEqual([
      'order.number',
      'customer.firstName',
      'shipment.estimatedDelivery',
    ]);
    expect(template.variables).toContain('unsubscribeUrl');
    expect(template.variables).toContain('order.firstItem.price');
    expect(new Set(template.variables).size).toBe(template.variables.length);
  });

  it('renders a realistic transactional email with every value in html, text and subject', async () => {
    const template = await compileEmailTemplate(ORDER_SHIPPED_TEMPLATE);

    const email = template.render(ORDER_SHIPPED_DATA);

    expect(email.subject).toBe('Your order SB-10442 is on its way, Ada');
    expect(email.html).toContain('<title>Order SB-10442 has shipped</title>');
    expect(email.html).toContain('Kettle &amp; Co');
    expect(email.html).toContain('href="https://track.example/3SABCD1234567?lang=en&amp;src=email"');
    expect(email.text).toContain('Enamel mug, blue  2  €24.00');
    expect(email.text).toContain('Kettle & Co, 1 Market Street, Leeds');
    expect(email.text).toContain('Track your parcel [https://track.example/3SABCD1234567?lang=en&src=email]');
    expect(email.text).not.toContain('Arriving'); // the hidden preview text stays out of the text part
  });

  it('gives the same text part as converting the rendered HTML, without converting at render', async () => {
    const template = await compileEmailTemplate(ORDER_SHIPPED_TEMPLATE);

    const email = template.render(ORDER_SHIPPED_DATA);

    expect(email.text).toBe(htmlToPlainText(email.html));
  });

  it('escapes HTML in values, so a <script> arrives as text', async () => {
    const template = await compileEmailTemplate({
      subject: 'For {{ name }}',
      mjml: mjmlAround('<mj-text>Hello {{ name }}</mj-text>'),
    });

    const email = template.render({ name: '<script>alert(1)</script>' });

    expect(email.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).not.toContain('<script>alert');
    expect(email.text).toContain('Hello <script>alert(1)</script>');
    expect(email.subject).toBe('For <script>alert(1)</script>');
  });

  it('escapes quotes in attribute values, so a value cannot close the attribute', async () => {
    const template = await compileEmailTemplate({
      subject: 'Logo',
      mjml: mjmlAround(`<mj-image src="https://cdn.example/logo.png" alt="{{ alt }}" title='{{ alt }}' />`),
    });

    const email = template.render({ alt: `x" onerror="alert(1)' onload='alert(2)` });

    expect(email.html).toContain('alt="x&quot; onerror=&quot;alert(1)&#39; onload=&#39;alert(2)"');
    expect(email.html).not.toMatch(/onerror="alert/);
  });

  it('refuses a javascript: URL where a variable decides the scheme of a link', async () => {
    const template = await compileEmailTemplate({
      subject: 'Link',
      mjml: mjmlAround('<mj-button href="{{ link }}">Open</mj-button>'),
    });

    const error = await templateError(() => template.render({ link: ' JaVa\tScript:alert(1)' }));

    expect(error.code).toBe('INVALID_VARIABLE');
    expect(error.problems).toEqual([
      { field: 'link', problem: expect.stringContaining('"javascript:" URL in href') },
    ]);
    expect(template.render({ link: 'mailto:help@example.com' }).html).toContain(
      'href="mailto:help@example.com"',
    );
  });

  it('lets any value follow a fixed scheme in a link', async () => {
    const template = await compileEmailTemplate({
      subject: 'Link',
      mjml: mjmlAround('<mj-button href="https://shop.example/orders/{{ orderId }}">Open</mj-button>'),
    });

    expect(template.render({ orderId: 'javascript:x' }).html).toContain(
      'href="https://shop.example/orders/javascript:x"',
    );
  });

  it('puts a value into the subject on one line, so it cannot add a mail header', async () => {
    const template = await compileEmailTemplate({
      subject: 'Order {{ order }} shipped',
      mjml: mjmlAround('<mj-text>Hi</mj-text>'),
    });

    const email = template.render({ order: '42\r\nBcc: victim@example.com\n' });

    expect(email.subject).toBe('Order 42 Bcc: victim@example.com  shipped');
    expect(email.subject).not.toMatch(/[\r\n]/);
  });

  it('turns numbers and booleans into text', async () => {
    const template = await compileEmailTemplate({
      subject: '{{ count }} items',
      mjml: mjmlAround('<mj-text>{{ count }} items, gift: {{ gift }}</mj-text>'),
    });

    const email = template.render({ count: 3, gift: false });

    expect(email.subject).toBe('3 items');
    expect(email.text).toBe('3 items, gift: false');
  });

  it('names every missing variable instead of rendering a blank', async () => {
    const template = await compileEmailTemplate({
      subject: 'Hi {{ name }}',
      mjml: mjmlAround('<mj-text>Total {{ order.total }}, {{ order.currency }}</mj-text>'),
    });

    const error = await templateError(() => template.render({ order: { total: 5 } }));

    expect(error.code).toBe('MISSING_VARIABLE');
    expect(error.problems).toEqual([
      { field: 'name', problem: 'is missing from the template data' },
      { field: 'order.currency', problem: 'is missing from the template data' },
    ]);
  });

  it('treats null and a non-object parent as missing', async () => {
    const template = await compileEmailTemplate({
      subject: '{{ name }}',
      mjml: mjmlAround('<mj-text>{{ order.total }}</mj-text>'),
    });

    const error = await templateError(() => template.render({ name: null, order: 'not an object' }));

    expect(error.code).toBe('MISSING_VARIABLE');
    expect(error.problems.map(({ field }) => field)).toEqual(['name', 'order.total']);
  });

  it('refuses objects and arrays as values, naming the variable', async () => {
    const template = await compileEmailTemplate({
      subject: '{{ order }}',
      mjml: mjmlAround('<mj-text>{{ items }}</mj-text>'),
    });

    const error = await templateError(() => template.render({ order: { total: 5 }, items: ['mug'] }));

    expect(error.code).toBe('INVALID_VARIABLE');
    expect(error.problems).toEqual([
      { field: 'order', problem: expect.stringContaining('is an object') },
      { field: 'items', problem: expect.stringContaining('is an array') },
    ]);
  });

  it('does not read inherited properties such as constructor', async () => {
    const template = await compileEmailTemplate({
      subject: 'x',
      mjml: mjmlAround('<mj-text>{{ order.constructor.name }}</mj-text>'),
    });

    const error = await templateError(() => template.render({ order: {} }));

    expect(error.code).toBe('MISSING_VARIABLE');
    expect(error.problems[0].field).toBe('order.constructor.name');
  });

  it('reports invalid MJML with the line of each problem', async () => {
    const error = await templateError(
      compileEmailTemplate({
        subject: 'x',
        mjml: `<mjml>
  <mj-body>
    <mj-section>
      <mj-text>not inside a column</mj-text>
      <mj-column><mj-button colour="red">Go</mj-button></mj-column>
    </mj-section>
  </mj-body>
</mjml>`,
      }),
    );

    expect(error.code).toBe('INVALID_MJML');
    expect(error.problems).toEqual([
      {
        field: 'mjml',
        problem: expect.stringMatching(/^line 4: <mj-text> mj-text cannot be used inside mj-section/),
      },
      { field: 'mjml', problem: 'line 5: <mj-button> Attribute colour is illegal' },
    ]);
  });

  it('reports a malformed placeholder with its line, in the body and the subject', async () => {
    const error = await templateError(
      compileEmailTemplate({
        subject: 'Hi {{ first name }}',
        mjml: mjmlAround('<mj-text>{{ ok }} and {{#if vip}}</mj-text>'),
      }),
    );

    expect(error.code).toBe('INVALID_SYNTAX');
    expect(error.problems).toEqual([
      { field: 'subject', problem: expect.stringContaining('"{{ first name }}" is not a variable') },
      { field: 'mjml', problem: expect.stringMatching(/^line 5: "\{\{#if vip}}" is not a variable/) },
    ]);
  });

  it.each([
    [
      'an mj-style block',
      '<mj-text>x</mj-text>',
      '<mj-style>.brand { color: {{ color }}; }</mj-style>',
      'a <style>',
    ],
    [
      'a style attribute',
      '<mj-text>x</mj-text>',
      '<mj-attributes><mj-all font-family="{{ font }}" /></mj-attributes>',
      'style attribute',
    ],
    ['a script', '<mj-raw><script>var user = "{{ name }}";</script></mj-raw>', '', '<script>'],
    ['an event handler', `<mj-raw><a href="#" onclick="go('{{ name }}')">x</a></mj-raw>`, '', 'onclick'],
    ['an unquoted attribute', '<mj-raw><a href={{name}}>x</a></mj-raw>', '', 'unquoted'],
  ])(
    'refuses a variable in %s, where HTML escaping cannot protect it',
    async (_place, body, head, reason) => {
      const error = await templateError(compileEmailTemplate({ subject: 'x', mjml: mjmlAround(body, head) }));

      expect(error.code).toBe('INVALID_SYNTAX');
      expect(error.problems).toEqual([{ field: 'mjml', problem: expect.stringContaining(reason) }]);
      expect(error.problems[0].problem).toMatch(/^lines? \d/);
    },
  );

  it('does not ask for a variable that MJML leaves out of the email', async () => {
    const template = await compileEmailTemplate({
      subject: 'Hi {{ name }}',
      mjml: mjmlAround(
        '<mj-text>Hi</mj-text>',
        '<mj-attributes><mj-class name="never-used" css-class="{{ cssClass }}" /></mj-attributes>',
      ),
    });

    expect(template.variables).toEqual(['name']);
    expect(template.render({ name: 'Ada' }).subject).toBe('Hi Ada');
  });
});

describe('compileEmailTemplateWith an MJML step that mangles placeholders', () => {
  // Stands in for an MJML component that URL-encodes its href, braces included.
  const urlEncodingHrefs = jest.fn(async (mjml: string) =>
    (await compileMjml(mjml)).replace(
      /href="([^"]*)"/g,
      (_attribute, url: string) => `href="${encodeURI(url)}"`,
    ),
  );

  it('compiles again with tokens in place of placeholders and renders correctly', async () => {
    const template = await compileEmailTemplateWith(
      {
        subject: 'x',
        mjml: mjmlAround('<mj-button href="{{ trackingUrl }}">Track {{ parcel }}</mj-button>'),
      },
      urlEncodingHrefs,
    );

    const email = template.render({ trackingUrl: 'https://track.example/1', parcel: 'P-1' });

    expect(urlEncodingHrefs).toHaveBeenCalledTimes(2);
    expect(email.html).toContain('href="https://track.example/1"');
    expect(email.html).toContain('Track P-1');
    expect(template.variables).toEqual(['trackingUrl', 'parcel']);
  });
});
