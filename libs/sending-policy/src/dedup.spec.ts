import type { MessageContent } from '@switchboard/contracts';
import fc from 'fast-check';
import { canonicalJson, dedupFingerprint } from './dedup';

const welcome: MessageContent = {
  templateKey: 'welcome',
  data: { name: 'Ada', order: { id: 42, items: ['tea', 'cake'] } },
};

function reverseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reverseKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .reverse()
        .map(([key, item]) => [key, reverseKeys(item)]),
    );
  }
  return value;
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('leaves out undefined properties as JSON does', () => {
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
    expect(canonicalJson([undefined, 1])).toBe('[null,1]');
  });

  it('reads back as the same data, whatever the key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reverseKeys(value))).toBe(text);
      }),
    );
  });
});

describe('dedupFingerprint', () => {
  it('is a SHA-256 hex that stays the same across releases', () => {
    // Fingerprints are stored and compared with those of later messages: changing how they are
    // computed would let duplicates through for a whole window after a deploy.
    expect(dedupFingerprint({ type: 'welcome', content: welcome })).toBe(
      '20cba2e335afa18f07cf6c08bde3c787491586f6f90aad4291c16a4733b935e9',
    );
    expect(dedupFingerprint({ type: 'welcome', content: welcome, dedupKey: 'order-42' })).toBe(
      '09b1b3b8fc3241b373b6918936c09461ffbe3143d39a765d56c8e5369bb6448c',
    );
  });

  it('is the same for the same data written with its keys in another order', () => {
    const reordered: MessageContent = {
      data: { order: { items: ['tea', 'cake'], id: 42 }, name: 'Ada' },
      templateKey: 'welcome',
    };
    expect(dedupFingerprint({ type: 'welcome', content: reordered })).toBe(
      dedupFingerprint({ type: 'welcome', content: welcome }),
    );
  });

  it('differs for other data, another template, another type or another item order', () => {
    const base = dedupFingerprint({ type: 'welcome', content: welcome });
    const variants: Array<{ type: string; content: MessageContent }> = [
      { type: 'welcome', content: { templateKey: 'welcome', data: { ...welcome.data, name: 'Grace' } } },
      { type: 'welcome', content: { templateKey: 'welcome-2', data: welcome.data } },
      { type: 'newsletter', content: welcome },
      {
        type: 'welcome',
        content: { templateKey: 'welcome', data: { name: 'Ada', order: { id: 42, items: ['cake', 'tea'] } } },
      },
    ];
    for (const variant of variants) expect(dedupFingerprint(variant)).not.toBe(base);
  });

  it('covers inline content', () => {
    const inline = (text: string): MessageContent => ({ subject: 'Your order', text });
    expect(dedupFingerprint({ type: 'default', content: inline('shipped') })).toBe(
      dedupFingerprint({ type: 'default', content: inline('shipped') }),
    );
    expect(dedupFingerprint({ type: 'default', content: inline('shipped') })).not.toBe(
      dedupFingerprint({ type: 'default', content: inline('delivered') }),
    );
  });

  it('looks only at the type and the dedup key when the message has one', () => {
    const other: MessageContent = { templateKey: 'welcome', data: { name: 'Grace' } };
    expect(dedupFingerprint({ type: 'welcome', content: welcome, dedupKey: 'order-42' })).toBe(
      dedupFingerprint({ type: 'welcome', content: other, dedupKey: 'order-42' }),
    );
    expect(dedupFingerprint({ type: 'welcome', content: welcome, dedupKey: 'order-42' })).not.toBe(
      dedupFingerprint({ type: 'welcome', content: welcome, dedupKey: 'order-43' }),
    );
    expect(dedupFingerprint({ type: 'welcome', content: welcome, dedupKey: 'order-42' })).not.toBe(
      dedupFingerprint({ type: 'receipt', content: welcome, dedupKey: 'order-42' }),
    );
    expect(dedupFingerprint({ type: 'welcome', content: welcome, dedupKey: 'order-42' })).not.toBe(
      dedupFingerprint({ type: 'welcome', content: welcome }),
    );
  });
});
