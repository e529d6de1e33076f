import { randomBytes } from 'node:crypto';
import type { NamedSpan } from './slotted-text';

/**
 * Plain-word stand-ins for variables (`sb1f2e3d4c5bv0x`): nothing in MJML or html-to-text escapes,
 * encodes, wraps or trims a run of letters and digits, so they come out exactly as they went in.
 */
export class VariableTokens {
  private readonly prefix: string;
  private readonly indexByVariable: Map<string, number>;

  /** `avoid` is text the tokens must not already occur in. */
  constructor(
    readonly variables: readonly string[],
    avoid: string,
  ) {
    let prefix: string;
    do prefix = `sb${randomBytes(5).toString('hex')}v`;
    while (avoid.includes(prefix));
    this.prefix = prefix;
    this.indexByVariable = new Map(variables.map((variable, index) => [variable, index]));
  }

  tokenFor(variable: string): string {
    const index = this.indexByVariable.get(variable);
    if (index === undefined) throw new Error(`no token for unknown variable ${variable}`);
    return `${this.prefix}${index}x`;
  }

  /** Each token in `text` with the variable it stands for; throws if a token came out damaged. */
  find(text: string): NamedSpan[] {
    const spans: NamedSpan[] = [];
    let literalStart = 0;
    for (const match of text.matchAll(new RegExp(`${this.prefix}(\\d+)x`, 'g'))) {
      const variable = this.variables[Number(match[1])];
      if (variable === undefined || text.slice(literalStart, match.index).includes(this.prefix)) {
        throw new Error(
          `a variable token was altered near "${text.slice(match.index - 20, match.index + 20)}"`,
        );
      }
      spans.push({ start: match.index, end: match.index + match[0].length, variable });
      literalStart = match.index + match[0].length;
    }
    if (text.slice(literalStart).includes(this.prefix)) throw new Error('a variable token was altered');
    return spans;
  }

  /** Puts `{{ name }}` back where tokens are, for messages shown to template authors. */
  restorePlaceholders(text: string): string {
    return text.replace(
      new RegExp(`${this.prefix}(\\d+)x`, 'g'),
      (token, index: string) => `{{ ${this.variables[Number(index)] ?? token} }}`,
    );
  }
}
