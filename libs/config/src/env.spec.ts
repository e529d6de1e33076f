import { z } from 'zod';
import { ConfigError } from './config-error';
import { env } from './env';
import { loadConfig } from './load-config';

function read<T>(schema: z.ZodType<T>, value: string | undefined): T {
  return loadConfig({ VALUE: { schema, description: 'value under test' } }, { VALUE: value }).VALUE;
}

function problemOf(schema: z.ZodType<unknown>, value: string | undefined): string {
  try {
    read(schema, value);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map(({ problem }) => problem).join('; ');
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(value)} to be refused`);
}

describe('env.brokers', () => {
  it('splits a comma-separated host:port list, ignoring blanks and spaces', () => {
    expect(read(env.brokers(), ' kafka-1:9092, 10.0.0.7:19092 ,,[::1]:9093 ')).toEqual([
      'kafka-1:9092',
      '10.0.0.7:19092',
      '[::1]:9093',
    ]);
  });

  it('uses the default when unset', () => {
    expect(read(env.brokers('127.0.0.1:9092'), undefined)).toEqual(['127.0.0.1:9092']);
  });

  it.each([
    ['kafka-1', 'entry 1: must be host:port, e.g. 127.0.0.1:9092'],
    ['kafka-1:9092,kafka-2:99999', 'entry 2: must be host:port, e.g. 127.0.0.1:9092'],
    ['http://kafka:9092', 'entry 1: must be host:port, e.g. 127.0.0.1:9092'],
    [',', 'must list at least one entry'],
  ])('refuses %j', (value, problem) => {
    expect(problemOf(env.brokers(), value)).toBe(problem);
  });
});

describe('env.list', () => {
  it('checks each entry with the item schema', () => {
    expect(read(env.list(z.enum(['email', 'sms', 'push'])), 'email,push')).toEqual(['email', 'push']);
    expect(problemOf(env.list(z.url()), 'https://a.example,not a url')).toMatch(/^entry 2: /);
  });

  it('is required unless it has a default or is optional', () => {
    expect(problemOf(env.list(z.string()), undefined)).toBe('is required but not set');
    expect(read(env.list(z.string(), 'a,b'), undefined)).toEqual(['a', 'b']);
    expect(read(env.list(z.string()).optional(), undefined)).toBeUndefined();
  });
});

describe('env.port and env.int', () => {
  it('parses whole numbers within bounds', () => {
    expect(read(env.port(), '8080')).toBe(8080);
    expect(read(env.port(), '0')).toBe(0);
    expect(read(env.port(3000), undefined)).toBe(3000);
    expect(read(env.int({ min: -5, max: 5 }), '-5')).toBe(-5);
  });

  it.each([
    ['3000.5', 'must be a whole number'],
    ['80a', 'must be a whole number'],
    ['65536', 'must be at most 65535'],
    ['-1', 'must be at least 0'],
  ])('refuses port %j', (value, problem) => {
    expect(problemOf(env.port(), value)).toBe(problem);
  });

  it('applies the int bounds and default', () => {
    const batchSize = env.int({ min: 1, max: 500, default: 100 });

    expect(read(batchSize, undefined)).toBe(100);
    expect(problemOf(batchSize, '0')).toBe('must be at least 1');
    expect(problemOf(batchSize, '501')).toBe('must be at most 500');
  });
});

describe('env.boolean', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['on', true],
    ['false', false],
    ['0', false],
    ['No', false],
    ['off', false],
  ])('reads %j as %s', (value, expected) => {
    expect(read(env.boolean(), value)).toBe(expected);
  });

  it('uses the default when unset and refuses other words', () => {
    expect(read(env.boolean(false), undefined)).toBe(false);
    expect(read(env.boolean(true), undefined)).toBe(true);
    expect(problemOf(env.boolean(false), 'maybe')).toBe(
      'must be true or false (also accepted: 1/0, yes/no, on/off)',
    );
  });
});

describe('env.duration', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['30s', 30_000],
    ['1.5s', 1_500],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['2d', 172_800_000],
  ])('reads %j as %i milliseconds', (value, milliseconds) => {
    expect(read(env.duration(), value)).toBe(milliseconds);
  });

  it('uses the default when unset and refuses other units', () => {
    expect(read(env.duration('30s'), undefined)).toBe(30_000);
    expect(problemOf(env.duration(), '3 weeks')).toBe(
      'must be a duration such as 500ms, 30s, 5m, 1h, 2d or a number of milliseconds',
    );
  });
});

describe('env.url, env.string and env.oneOf', () => {
  it('limits URLs to the given protocols', () => {
    const database = env.url({ protocols: ['postgres', 'postgresql'] });

    expect(read(database, 'postgresql://db:5432/app')).toBe('postgresql://db:5432/app');
    expect(problemOf(database, 'https://db/app')).toBe(
      'must be a URL starting with postgres:// or postgresql://',
    );
    expect(problemOf(env.url(), 'not a url')).toBe('must be an absolute URL');
  });

  it('checks a string against a pattern', () => {
    const region = env.string({ pattern: /^[a-z]{2}-[a-z]+-\d$/, patternMessage: 'must be an AWS region' });

    expect(read(region, 'eu-west-1')).toBe('eu-west-1');
    expect(problemOf(region, 'Europe')).toBe('must be an AWS region');
    expect(read(env.string({ default: 'switchboard' }), undefined)).toBe('switchboard');
  });

  it('accepts only the listed values', () => {
    const level = env.oneOf(['debug', 'info'], 'info');

    expect(read(level, 'debug')).toBe('debug');
    expect(read(level, undefined)).toBe('info');
    expect(problemOf(level, 'trace')).toBe('must be one of debug, info');
  });
});
