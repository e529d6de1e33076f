// What compiling once buys: milliseconds per MJML compile against microseconds per render of the
// cached template, for a realistic transactional email. Run:
//   node -r @swc-node/register libs/rendering/bench/render.bench.ts
import {
  compileEmailTemplate,
  CompiledTemplateCache,
  type CompiledEmailTemplate,
  type RenderedEmail,
} from '../src';
import mjml2html from 'mjml';
import { ORDER_SHIPPED_DATA, ORDER_SHIPPED_TEMPLATE } from '../src/order-shipped.fixture';
import { htmlToPlainText } from '../src/plain-text';

const ROUNDS = 7;

interface Measurement {
  name: string;
  iterations: number;
  /** Median over the rounds, in nanoseconds per operation. */
  medianNanoseconds: number;
  fastestNanoseconds: number;
}

/** Runs `operation` `iterations` times per round, after one warm-up round; answers time per operation. */
async function measure(
  name: string,
  iterations: number,
  operation: () => unknown | Promise<unknown>,
): Promise<Measurement> {
  const perOperation: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const started = process.hrtime.bigint();
    for (let index = 0; index < iterations; index++) await operation();
    const elapsed = Number(process.hrtime.bigint() - started) / iterations;
    if (round > 0) perOperation.push(elapsed);
  }
  perOperation.sort((a, b) => a - b);
  return {
    name,
    iterations,
    medianNanoseconds: perOperation[Math.floor(perOperation.length / 2)],
    fastestNanoseconds: perOperation[0],
  };
}

// Reading a character makes V8 flatten the joined strings, as serialising the email later would.
function readAll({ subject, html, text }: RenderedEmail): number {
  return (
    subject.charCodeAt(subject.length >> 1) +
    html.charCodeAt(html.length >> 1) +
    text.charCodeAt(text.length >> 1)
  );
}

function formatDuration(nanoseconds: number): string {
  if (nanoseconds >= 1_000_000) return `${(nanoseconds / 1_000_000).toFixed(2)} ms`;
  return `${(nanoseconds / 1_000).toFixed(1)} µs`;
}

async function main(): Promise<void> {
  const template: CompiledEmailTemplate = await compileEmailTemplate(ORDER_SHIPPED_TEMPLATE);
  const sample = template.render(ORDER_SHIPPED_DATA);
  const cache = new CompiledTemplateCache();
  await cache.get('order-shipped@1', ORDER_SHIPPED_TEMPLATE);
  let sink = 0;

  const measurements = [
    await measure('mjml2html alone (strict validation)', 40, async () => {
      sink += (await mjml2html(ORDER_SHIPPED_TEMPLATE.mjml, { validationLevel: 'strict' })).html.length;
    }),
    await measure('compileEmailTemplate (MJML + slots + text skeleton)', 40, async () => {
      sink += (await compileEmailTemplate(ORDER_SHIPPED_TEMPLATE)).variables.length;
    }),
    await measure('render, cached template (subject + html + text)', 20_000, () => {
      sink += readAll(template.render(ORDER_SHIPPED_DATA));
    }),
    await measure('cache.get hit + render', 20_000, async () => {
      sink += readAll(
        (await cache.get('order-shipped@1', ORDER_SHIPPED_TEMPLATE)).render(ORDER_SHIPPED_DATA),
      );
    }),
    await measure('html-to-text on a rendered email (what the text skeleton saves)', 400, () => {
      sink += htmlToPlainText(sample.html).length;
    }),
  ];

  console.log(
    `Template: ${ORDER_SHIPPED_TEMPLATE.mjml.split('\n').length} lines of MJML, ${template.variables.length} variables, ` +
      `${sample.html.length} characters of HTML, ${sample.text.length} of text`,
  );
  console.log(`Median (fastest) of ${ROUNDS} rounds after a warm-up round; Node ${process.version}\n`);
  const width = Math.max(...measurements.map(({ name }) => name.length));
  for (const { name, iterations, medianNanoseconds, fastestNanoseconds } of measurements) {
    console.log(
      `${name.padEnd(width)}  ${formatDuration(medianNanoseconds).padStart(10)}  ` +
        `(${formatDuration(fastestNanoseconds)})  x${iterations}/round`,
    );
  }
  const [, compile, render] = measurements;
  console.log(
    `\nA cached render is ${Math.round(compile.medianNanoseconds / render.medianNanoseconds)}x faster than compiling.`,
  );
  if (sink === 0) console.log('(nothing rendered)');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
