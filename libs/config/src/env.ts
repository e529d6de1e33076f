import { readFileSync } from 'node:fs';
import { z } from 'zod';

// Defaults are written as they would be in the environment ("30s", "127.0.0.1:9092"), so the
// same parser handles both and describeConfig can show the default exactly as a user types it.
const environmentDefaults = new WeakMap<z.ZodType, string>();

export function environmentDefaultOf(schema: z.ZodType): string | undefined {
  return environmentDefaults.get(schema);
}

function withDefault<T>(parser: z.ZodType<T>, environmentDefault: string | undefined): z.ZodType<T> {
  if (environmentDefault === undefined) return parser;
  const schema = z.preprocess((value) => value ?? environmentDefault, parser);
  environmentDefaults.set(schema, environmentDefault);
  return schema;
}

const WHOLE_NUMBER = /^-?\d+$/;

function integer(min: number, max: number): z.ZodType<number> {
  return z
    .string()
    .regex(WHOLE_NUMBER, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/;
const MILLISECONDS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const duration: z.ZodType<number> = z.string().transform((text, context) => {
  const match = DURATION.exec(text);
  if (!match) {
    context.addIssue({
      code: 'custom',
      message: 'must be a duration such as 500ms, 30s, 5m, 1h, 2d or a number of milliseconds',
    });
    return z.NEVER;
  }
  return Math.round(Number(match[1]) * MILLISECONDS_PER_UNIT[match[2] ?? 'ms']);
});

// host:port, where host is a name, an IPv4 address or a bracketed IPv6 address.
const BROKER_ADDRESS = /^(?:\[[0-9a-fA-F:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?):(\d{1,5})$/;

const brokerAddress = z.string().refine((address) => {
  const match = BROKER_ADDRESS.exec(address);
  return match !== null && Number(match[1]) >= 1 && Number(match[1]) <= 65_535;
}, 'must be host:port, e.g. 127.0.0.1:9092');

function commaSeparated<T>(item: z.ZodType<T>): z.ZodType<T[]> {
  return z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry.length > 0),
    )
    .pipe(z.array(item).min(1, 'must list at least one entry') as z.ZodType<T[], string[]>);
}

const PEM_BLOCK = /-----BEGIN [A-Z0-9 ]+-----[\s\S]+?-----END [A-Z0-9 ]+-----/;

// What a refused path means, in words; the code is kept for the cases not listed.
const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function readableFile(pem: boolean): z.ZodType<string> {
  return z.string().superRefine((path, context) => {
    let content: string;
    try {
      content = readFileSync(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      context.addIssue({ code: 'custom', message: `cannot read ${path}: ${FILE_ERRORS[code] ?? code}` });
      return;
    }
    // The content is never quoted: it may be a private key.
    if (pem && !PEM_BLOCK.test(content)) {
      context.addIssue({ code: 'custom', message: `${path} must hold PEM (-----BEGIN ...-----)` });
    }
  });
}

/**
 * Zod schemas for environment strings. Each takes its default as it would be written in the
 * environment; a variable without a default is required (add `.optional()` to allow it unset).
 */
export const env = {
  string(options: { default?: string; pattern?: RegExp; patternMessage?: string } = {}): z.ZodType<string> {
    const text = options.pattern
      ? z.string().regex(options.pattern, options.patternMessage ?? `must match ${options.pattern}`)
      : z.string();
    return withDefault(text, options.default);
  },

  /** An absolute URL; `protocols` limits the scheme (without the colon), e.g. ['postgres', 'postgresql']. */
  url(options: { protocols?: string[]; default?: string } = {}): z.ZodType<string> {
    const protocols = options.protocols;
    const url = protocols
      ? z.url({
          protocol: new RegExp(`^(?:${protocols.map(escapeRegExp).join('|')})$`),
          error: `must be a URL starting with ${protocols.map((protocol) => `${protocol}://`).join(' or ')}`,
        })
      : z.url({ error: 'must be an absolute URL' });
    return withDefault(url, options.default);
  },

  /** A TCP port; 0 asks the system for a free one (tests). */
  port(defaultPort?: number): z.ZodType<number> {
    return withDefault(integer(0, 65_535), defaultPort?.toString());
  },

  int(options: { min?: number; max?: number; default?: number } = {}): z.ZodType<number> {
    const min = options.min ?? Number.MIN_SAFE_INTEGER;
    const max = options.max ?? Number.MAX_SAFE_INTEGER;
    return withDefault(integer(min, max), options.default?.toString());
  },

  /** true/false, 1/0, yes/no, on/off (any case). */
  boolean(defaultValue?: boolean): z.ZodType<boolean> {
    return withDefault(
      z.stringbool({ error: 'must be true or false (also accepted: 1/0, yes/no, on/off)' }),
      defaultValue?.toString(),
    );
  },

  oneOf<const Values extends readonly [string, ...string[]]>(
    values: Values,
    defaultValue?: Values[number],
  ): z.ZodType<Values[number]> {
    return withDefault(
      z.enum(values, { error: `must be one of ${values.join(', ')}` }) as z.ZodType<Values[number]>,
      defaultValue,
    );
  },

  /** Comma-separated values, each checked by `item`; blanks around commas are ignored. */
  list<T>(item: z.ZodType<T>, defaultList?: string): z.ZodType<T[]> {
    return withDefault(commaSeparated(item), defaultList);
  },

  /** Kafka bootstrap brokers: comma-separated host:port. */
  brokers(defaultBrokers?: string): z.ZodType<string[]> {
    return withDefault(commaSeparated(brokerAddress), defaultBrokers);
  },

  /**
   * A path to a file this process can read, checked at start-up; the value is the path. `pem`
   * also requires a PEM block in it (certificates, keys).
   */
  file(options: { pem?: boolean } = {}): z.ZodType<string> {
    return readableFile(options.pem ?? false);
  },

  /** A duration in milliseconds, written as 500ms, 30s, 5m, 1h, 2d or a bare number of milliseconds. */
  duration(defaultDuration?: string): z.ZodType<number> {
    return withDefault(duration, defaultDuration);
  },
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
