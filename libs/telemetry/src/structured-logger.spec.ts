import { ConsoleLogger, Logger } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { LOG_LINE_LIMIT, LOG_STRING_LIMIT } from './redact';
import { runAsHostedService } from './hosted-service';
import { StructuredLogger, type LogLevelName } from './structured-logger';
import { getTracer } from './tracing';

function createLogger(level: LogLevelName = 'info') {
  const lines: string[] = [];
  const logger = new StructuredLogger('sender-email', level, { sink: (line) => lines.push(line) });
  const entries = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, entries };
}

describe('StructuredLogger', () => {
  beforeAll(() => {
    // Registers an async-hooks context manager, so the span started below is the active one.
    new NodeTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(new InMemorySpanExporter())],
    }).register();
  });

  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('names the hosted service whose work logs, in a process that hosts several', async () => {
    // Nest's one global logger is the last app's (sender-email here); the router's timer logs through it.
    const { logger, entries } = createLogger();
    await runAsHostedService('router', async () => {
      await new Promise<void>((resolve) =>
        setTimeout(() => {
          logger.log('schedule released');
          resolve();
        }, 1),
      );
    });
    logger.log('outside any hosted service');

    expect(entries().map(({ service, message }) => [service, message])).toEqual([
      ['router', 'schedule released'],
      ['sender-email', 'outside any hosted service'],
    ]);
  });

  it('writes one JSON line per entry with time, level, service, context, message and fields', () => {
    const { logger, lines, entries } = createLogger();

    logger.child('SendEmailUseCase').log('message sent', { tenantId: 'acme', messageId: 'm-1', attempt: 2 });

    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    const [entry] = entries();
    expect(entry).toEqual({
      time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      level: 'info',
      service: 'sender-email',
      context: 'SendEmailUseCase',
      message: 'message sent',
      tenantId: 'acme',
      messageId: 'm-1',
      attempt: 2,
    });
    expect(Object.keys(entry).slice(0, 5)).toEqual(['time', 'level', 'service', 'context', 'message']);
  });

  it('carries the trace and span id of the active span, and none outside a span', () => {
    const { logger, entries } = createLogger();

    const span = getTracer().startSpan('send email');
    context.with(trace.setSpan(context.active(), span), () => logger.log('inside'));
    span.end();
    logger.log('outside');

    const [inside, outside] = entries();
    expect(inside).toMatchObject({ traceId: span.spanContext().traceId, spanId: span.spanContext().spanId });
    expect(inside.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(outside).not.toHaveProperty('traceId');
    expect(outside).not.toHaveProperty('spanId');
  });

  it('redacts personal data and secrets in the message and the fields', () => {
    const { logger, lines } = createLogger();

    logger.warn('bounce for jane.doe@example.com', {
      recipient: { phone: '+4915112345678' },
      authorization: 'Bearer abcdefghijkl',
      apiKey: 'sb_live_abcdef',
    });

    const [entry] = lines.map((line) => JSON.parse(line));
    expect(entry).toMatchObject({
      level: 'warn',
      message: 'bounce for j***@example.com',
      recipient: { phone: '+***********78' },
      authorization: '[REDACTED]',
      apiKey: '[REDACTED]',
    });
    expect(lines[0]).not.toMatch(/jane|12345|abcdefghijkl|sb_live/);
  });

  it('logs an error with its name, message and stack', () => {
    const { logger, entries } = createLogger();
    const failure = new TypeError('cannot read template of undefined');

    logger.error('render failed', failure, { messageId: 'm-2' });

    const [entry] = entries();
    expect(entry).toMatchObject({
      level: 'error',
      message: 'render failed',
      messageId: 'm-2',
      error: { name: 'TypeError', message: 'cannot read template of undefined' },
    });
    expect((entry.error as { stack: string }).stack).toContain(
      'TypeError: cannot read template of undefined\n    at ',
    );
  });

  it("follows Nest's calling convention when installed as the application logger", () => {
    const { logger, entries } = createLogger();
    Logger.overrideLogger(logger);
    try {
      const exception = new Error('database unavailable');
      new Logger('RoutesResolver').log('Mapped {/messages, POST} route');
      new Logger('ExceptionsHandler').error(exception);
      new Logger('MessagesController').error('request failed', exception.stack);
      Logger.warn('no context given');
    } finally {
      Logger.overrideLogger(new ConsoleLogger());
    }

    expect(entries()).toEqual([
      expect.objectContaining({
        level: 'info',
        context: 'RoutesResolver',
        message: 'Mapped {/messages, POST} route',
      }),
      expect.objectContaining({
        level: 'error',
        context: 'ExceptionsHandler',
        message: 'database unavailable',
        error: expect.objectContaining({ name: 'Error', message: 'database unavailable' }),
      }),
      expect.objectContaining({
        level: 'error',
        context: 'MessagesController',
        message: 'request failed',
        error: { stack: expect.stringContaining('Error: database unavailable\n    at ') },
      }),
      expect.not.objectContaining({ context: expect.anything() }),
    ]);
    expect(entries()[3]).toMatchObject({ level: 'warn', message: 'no context given' });
  });

  it('writes only entries at or above its level; children follow a level set later', () => {
    const { logger, entries } = createLogger('warn');
    const child = logger.child('RetryScheduler');

    logger.debug('debug dropped');
    logger.log('info dropped');
    logger.verbose('verbose dropped');
    child.warn('warn kept');
    logger.error('error kept');
    logger.fatal('fatal kept');
    logger.setLogLevels(['debug', 'log', 'warn', 'error']);
    child.debug('debug kept after setLogLevels');

    expect(entries().map(({ level, message }) => `${level}: ${message}`)).toEqual([
      'warn: warn kept',
      'error: error kept',
      'fatal: fatal kept',
      'debug: debug kept after setLogLevels',
    ]);
    expect(child.isLevelEnabled('debug')).toBe(true);
  });

  it("repeats a child's fields on every entry, lets a call override them, and never lets fields replace core keys", () => {
    const { logger, entries } = createLogger();
    const child = logger.child('DispatchConsumer', { tenantId: 'acme', channel: 'email' });

    child.log('claimed', { channel: 'sms', level: 'debug', service: 'spoofed', traceId: 'forged' });

    const [entry] = entries();
    expect(entry).toMatchObject({
      level: 'info',
      service: 'sender-email',
      context: 'DispatchConsumer',
      tenantId: 'acme',
      channel: 'sms',
    });
    expect(entry).not.toHaveProperty('traceId');
  });

  it('accepts an object message with a message property, and non-string messages', () => {
    const { logger, entries } = createLogger();

    logger.log({ message: 'batch stored', rows: 120 });
    logger.log(42);

    expect(entries()).toEqual([
      expect.objectContaining({ message: 'batch stored', rows: 120 }),
      expect.objectContaining({ message: '42' }),
    ]);
  });

  // Masking a megabyte without spaces whole took hours with the old patterns; this test would time out.
  it('writes a bounded, masked line for a huge message, field and error, keeping identifiers and frames', () => {
    const { logger, lines, entries } = createLogger();
    const huge = `jane@example.com ${'a'.repeat(1_000_000)}`;
    const error = new Error(huge, { cause: new Error(huge) });

    logger.child('RenderRequestsConsumer', { tenantId: 'acme' }).warn(huge, error, {
      messageId: 'm-3',
      reason: huge,
      recipients: Array.from({ length: 10_000 }, (_, index) => `user${index}@example.com`),
    });

    expect(lines[0].length).toBeLessThanOrEqual(LOG_LINE_LIMIT);
    expect(lines[0]).not.toMatch(/jane@|user\d/);
    const [entry] = entries() as Array<Record<string, string> & { error: Record<string, string> }>;
    expect(entry).toMatchObject({ tenantId: 'acme', messageId: 'm-3', context: 'RenderRequestsConsumer' });
    expect(entry.message.length).toBeLessThanOrEqual(LOG_STRING_LIMIT);
    expect(entry.message).toMatch(/^j\*\*\*@example\.com a+…\[\+\d{3},\d{3} characters\]$/);
    expect(entry.reason).toMatch(/^j\*\*\*@example\.com a+…/);
    expect(entry.error.message).toMatch(/^j\*\*\*@example\.com a+…/);
    expect(entry.error.stack).toMatch(/\n\s+at /);
  });

  it('keeps a line within its limit when JSON escaping makes the text longer', () => {
    const { logger, lines } = createLogger();

    logger.log('"\u0001'.repeat(5000), { quoted: '"'.repeat(5000), lines: '\n'.repeat(5000) });

    expect(lines[0].length).toBeLessThanOrEqual(LOG_LINE_LIMIT);
    expect(JSON.parse(lines[0])).toMatchObject({ message: expect.stringContaining('characters]') });
  });
});
