import type { ValidationProblem } from '@switchboard/contracts';
import { escapeHtml, toSingleLineHeader } from './escape-html';
import { placeMarkers, type MarkerPlacement } from './html-placement';
import { compileMjml, type MjmlCompiler } from './mjml-compiler';
import { distinctVariables, findPlaceholders, scanPlaceholders, type Placeholder } from './placeholders';
import { htmlToPlainText } from './plain-text';
import { SlottedText, type NamedSpan, type VariableSpan } from './slotted-text';
import { resolveVariables, toVariablePath, type VariablePath } from './template-data';
import { TemplateError } from './template-error';
import { checkUrl, urlGuardFor, type UrlGuard } from './url-guard';
import { VariableTokens } from './variable-tokens';

export interface EmailTemplateSource {
  subject: string;
  mjml: string;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

export interface CompiledEmailTemplate {
  /** Every variable the subject and body use, in order of first use: what template data must hold. */
  readonly variables: readonly string[];
  /** Throws TemplateError 'MISSING_VARIABLE' or 'INVALID_VARIABLE' naming every bad variable. */
  render(data: Record<string, unknown>): RenderedEmail;
}

/**
 * Compiles the MJML once into literal parts and variable slots, so that render only looks up
 * values and joins strings. Throws TemplateError 'INVALID_SYNTAX' or 'INVALID_MJML'.
 */
export function compileEmailTemplate(source: EmailTemplateSource): Promise<CompiledEmailTemplate> {
  return compileEmailTemplateWith(source, compileMjml);
}

/** compileEmailTemplate with the MJML step swapped, for tests. */
export async function compileEmailTemplateWith(
  source: EmailTemplateSource,
  toHtml: MjmlCompiler,
): Promise<CompiledEmailTemplate> {
  const subjectScan = scanPlaceholders('subject', source.subject, false);
  const bodyScan = scanPlaceholders('mjml', source.mjml, true);
  const syntaxProblems = [...subjectScan.problems, ...bodyScan.problems];
  if (syntaxProblems.length > 0) throw new TemplateError('INVALID_SYNTAX', syntaxProblems);

  const { html, markers } = await compileBody(source.mjml, bodyScan.placeholders, toHtml);
  const placements = placeMarkers(html, markers);
  const placementProblems = describeUnsafePlacements(markers, placements, bodyScan.placeholders);
  if (placementProblems.length > 0) throw new TemplateError('INVALID_SYNTAX', placementProblems);

  // A variable MJML dropped (say, in an unused mj-class) is not asked of the data.
  const used = new Set([...subjectScan.placeholders, ...markers].map(({ variable }) => variable));
  const variables = distinctVariables(subjectScan.placeholders, bodyScan.placeholders).filter((variable) =>
    used.has(variable),
  );
  const indexOf = new Map(variables.map((variable, index) => [variable, index]));
  const toIndexed = ({ start, end, variable }: NamedSpan): VariableSpan => ({
    start,
    end,
    variable: indexOf.get(variable) as number,
  });

  const htmlBody = SlottedText.fromSpans(html, markers.map(toIndexed));
  const textBody = plainTextSkeleton(htmlBody, variables);
  const subject = SlottedText.fromSpans(source.subject, subjectScan.placeholders.map(toIndexed)).mapLiterals(
    toSingleLineHeader,
  );
  const urlGuards = collectUrlGuards(html, markers.map(toIndexed), placements);
  return new SlottedEmailTemplate(variables, subject, htmlBody, textBody, urlGuards);
}

class SlottedEmailTemplate implements CompiledEmailTemplate {
  private readonly paths: readonly VariablePath[];

  constructor(
    readonly variables: readonly string[],
    private readonly subject: SlottedText,
    private readonly html: SlottedText,
    private readonly text: SlottedText,
    private readonly urlGuards: readonly UrlGuard[],
  ) {
    this.paths = variables.map(toVariablePath);
  }

  render(data: Record<string, unknown>): RenderedEmail {
    const values = resolveVariables(data, this.paths);
    if (this.urlGuards.length > 0) this.checkUrls(values);
    return {
      subject: this.subject.fill(values, toSingleLineHeader),
      html: this.html.fill(values, escapeHtml),
      text: this.text.fill(values),
    };
  }

  private checkUrls(values: readonly string[]): void {
    const problems: ValidationProblem[] = [];
    for (const guard of this.urlGuards) {
      const problem = checkUrl(guard, values, this.variables);
      if (problem) problems.push(problem);
    }
    if (problems.length > 0) throw new TemplateError('INVALID_VARIABLE', problems);
  }
}

// What is left of a placeholder MJML changed: a lone "{{" or one URL-encoded.
const DAMAGED_PLACEHOLDER = /\{\{|%7b%7b/i;

/**
 * Compiles with the placeholders left in, which keeps MJML's messages readable. If MJML changed
 * or dropped any placeholder, compiles again with plain-word tokens in their place.
 */
async function compileBody(
  mjml: string,
  placeholders: readonly Placeholder[],
  toHtml: MjmlCompiler,
): Promise<{ html: string; markers: NamedSpan[] }> {
  const html = await toHtml(mjml);
  const markers = findPlaceholders(html);
  if (placeholdersSurvived(html, markers, placeholders)) return { html, markers };

  const tokens = new VariableTokens(distinctVariables(placeholders), mjml);
  let tokenizedMjml = '';
  let literalStart = 0;
  for (const { start, end, variable } of placeholders) {
    tokenizedMjml += mjml.slice(literalStart, start) + tokens.tokenFor(variable);
    literalStart = end;
  }
  tokenizedMjml += mjml.slice(literalStart);

  let tokenizedHtml: string;
  try {
    tokenizedHtml = await toHtml(tokenizedMjml);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    throw new TemplateError(
      error.code,
      error.problems.map(({ field, problem }) => ({ field, problem: tokens.restorePlaceholders(problem) })),
    );
  }
  try {
    return { html: tokenizedHtml, markers: tokens.find(tokenizedHtml) };
  } catch (error) {
    throw new TemplateError('INVALID_MJML', [{ field: 'mjml', problem: (error as Error).message }]);
  }
}

function placeholdersSurvived(
  html: string,
  markers: readonly NamedSpan[],
  placeholders: readonly Placeholder[],
): boolean {
  let literalStart = 0;
  for (const { start, end } of markers) {
    if (DAMAGED_PLACEHOLDER.test(html.slice(literalStart, start))) return false;
    literalStart = end;
  }
  if (DAMAGED_PLACEHOLDER.test(html.slice(literalStart))) return false;
  const inHtml = new Set(markers.map(({ variable }) => variable));
  const inSource = new Set(placeholders.map(({ variable }) => variable));
  return inHtml.size === inSource.size && [...inSource].every((variable) => inHtml.has(variable));
}

function describeUnsafePlacements(
  markers: readonly NamedSpan[],
  placements: readonly MarkerPlacement[],
  placeholders: readonly Placeholder[],
): ValidationProblem[] {
  const problems = new Set<string>();
  placements.forEach((placement, index) => {
    if (placement.kind !== 'unsafe') return;
    const { variable } = markers[index];
    const lines = [...new Set(placeholders.filter((p) => p.variable === variable).map((p) => p.line))];
    problems.add(
      `${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')}: {{ ${variable} }} ${placement.reason} ` +
        'in the compiled HTML, where escaping cannot make a value safe; use variables in text and quoted attributes only',
    );
  });
  return [...problems].map((problem) => ({ field: 'mjml', problem }));
}

/** Groups the variables of each URL attribute whose scheme a variable could decide. */
function collectUrlGuards(
  html: string,
  spans: readonly VariableSpan[],
  placements: readonly MarkerPlacement[],
): UrlGuard[] {
  const guards: UrlGuard[] = [];
  let index = 0;
  while (index < spans.length) {
    const placement = placements[index];
    if (placement.kind !== 'attribute') {
      index++;
      continue;
    }
    const pieces: (string | number)[] = [];
    let literalStart = placement.valueStart;
    while (index < spans.length && sameAttributeValue(placements[index], placement)) {
      pieces.push(html.slice(literalStart, spans[index].start), spans[index].variable);
      literalStart = spans[index].end;
      index++;
    }
    pieces.push(html.slice(literalStart, placement.valueEnd));
    const guard = urlGuardFor(placement.attribute, pieces);
    if (guard) guards.push(guard);
  }
  return guards;
}

function sameAttributeValue(
  placement: MarkerPlacement,
  attribute: Extract<MarkerPlacement, { kind: 'attribute' }>,
): boolean {
  return placement.kind === 'attribute' && placement.valueStart === attribute.valueStart;
}

/**
 * The plain-text part as literals and slots too: html-to-text runs once at compile time over the
 * HTML with tokens in the slots, instead of over every rendered email (~1 ms each).
 */
function plainTextSkeleton(htmlBody: SlottedText, variables: readonly string[]): SlottedText {
  const tokens = new VariableTokens(variables, htmlBody.literals.join(''));
  const text = htmlToPlainText(htmlBody.fill(variables.map((variable) => tokens.tokenFor(variable))));
  const indexOf = new Map(variables.map((variable, index) => [variable, index]));
  return SlottedText.fromSpans(
    text,
    tokens
      .find(text)
      .map(({ start, end, variable }) => ({ start, end, variable: indexOf.get(variable) as number })),
  );
}
