/** Where a variable, by name, appears in a text. */
export interface NamedSpan {
  start: number;
  end: number;
  variable: string;
}

/** Where a variable appears in a text: [start, end) and the variable's index. */
export interface VariableSpan {
  start: number;
  end: number;
  variable: number;
}

/**
 * Text precomputed as literals with variable slots between them, so rendering is a join:
 * literals[0] + values[slots[0]] + literals[1] + ... + literals[slots.length].
 */
export class SlottedText {
  constructor(
    readonly literals: readonly string[],
    /** Index of the variable that fills each slot. */
    readonly slots: readonly number[],
  ) {
    if (literals.length !== slots.length + 1) {
      throw new Error(
        `slotted text needs one literal more than slots, got ${literals.length} and ${slots.length}`,
      );
    }
  }

  /** Cuts `text` at each span (sorted, not overlapping); each span becomes a slot for its variable. */
  static fromSpans(text: string, spans: readonly VariableSpan[]): SlottedText {
    const literals: string[] = [];
    const slots: number[] = [];
    let literalStart = 0;
    for (const span of spans) {
      literals.push(text.slice(literalStart, span.start));
      slots.push(span.variable);
      literalStart = span.end;
    }
    literals.push(text.slice(literalStart));
    return new SlottedText(literals, slots);
  }

  /** `encode` applies to each value as it goes in (escaping for HTML, one line for a subject). */
  fill(values: readonly string[], encode?: (value: string) => string): string {
    const { literals, slots } = this;
    const parts = new Array<string>(literals.length + slots.length);
    parts[0] = literals[0];
    for (let index = 0; index < slots.length; index++) {
      const value = values[slots[index]];
      parts[2 * index + 1] = encode ? encode(value) : value;
      parts[2 * index + 2] = literals[index + 1];
    }
    return parts.join('');
  }

  mapLiterals(transform: (literal: string) => string): SlottedText {
    return new SlottedText(this.literals.map(transform), this.slots);
  }
}
