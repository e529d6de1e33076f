import { renderInlineEmail } from './render-inline-email';
import { TemplateError } from './template-error';

describe('renderInlineEmail', () => {
  it('builds escaped HTML paragraphs from text when there is no html', () => {
    const email = renderInlineEmail({
      subject: 'Your code',
      text: 'Hello <Ada> & co,\r\nyour code is 1234.\n\n\nThanks',
    });

    expect(email.text).toBe('Hello <Ada> & co,\r\nyour code is 1234.\n\n\nThanks');
    expect(email.html).toContain('<p>Hello &lt;Ada&gt; &amp; co,<br>\nyour code is 1234.</p>\n<p>Thanks</p>');
    expect(email.html).toContain('<title>Your code</title>');
  });

  it('derives the text from html when there is no text', () => {
    const email = renderInlineEmail({
      subject: 'Welcome',
      html: '<h1>Welcome</h1><p>Read the <a href="https://example.com/guide">guide</a> &amp; enjoy.</p><img src="x.png" alt="x">',
    });

    expect(email.html).toContain('<h1>Welcome</h1>');
    expect(email.text).toBe('Welcome\n\nRead the guide [https://example.com/guide] & enjoy.');
  });

  it('keeps both parts when both are given', () => {
    const email = renderInlineEmail({ subject: 'Hi', text: 'plain', html: '<p>rich</p>' });

    expect(email).toEqual({ subject: 'Hi', text: 'plain', html: '<p>rich</p>' });
  });

  it('puts the subject on one line', () => {
    expect(renderInlineEmail({ subject: 'Hi\r\nBcc: x@example.com', text: 'x' }).subject).toBe(
      'Hi Bcc: x@example.com',
    );
  });

  it('refuses a message with neither text nor html', () => {
    expect(() => renderInlineEmail({ subject: 'Hi' })).toThrow(TemplateError);
    expect(() => renderInlineEmail({ subject: 'Hi' })).toThrow('text: an inline message needs text or html');
  });
});
