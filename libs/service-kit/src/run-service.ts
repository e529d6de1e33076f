import { type INestApplication, Logger, type LoggerService, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { shutdownTelemetry } from '@switchboard/telemetry';
import { ProblemDetailsFilter } from './problem-details';

export interface ServiceOptions {
  /** Service name, as in logs and traces. */
  name: string;
  module: Type<unknown>;
  port: number;
  host?: string;
  /** Larger bodies answer 413 before any handler runs. */
  bodyLimitBytes?: number;
  logger?: LoggerService;
  /** Extra set-up before listening (OpenAPI, global pipes). */
  configure?(app: NestFastifyApplication): void | Promise<void>;
}

export interface RunningService {
  app: NestFastifyApplication;
  /** Where it listens, e.g. http://127.0.0.1:3000 (the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/**
 * Starts a Switchboard service: Fastify, problem+json errors, shutdown hooks (SIGTERM and
 * SIGINT finish in-flight work and commit through each module's shutdown hooks).
 */
export async function runService(options: ServiceOptions): Promise<RunningService> {
  const logger = new Logger(options.name);
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES });
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: options.logger,
    bufferLogs: true,
  });
  installProblemDetails(app);
  closeOnSignals(app, logger);
  await options.configure?.(app);
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  const url = await listeningUrl(app);
  logger.log(`${options.name} ready on ${url}`);
  return { app, url, close: () => app.close() };
}

/**
 * SIGTERM or SIGINT: close the app (modules stop consuming, finish in-flight work and commit in
 * their shutdown hooks), flush buffered spans, and exit 0. A second signal exits at once.
 */
function closeOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.log(`${signal} received: finishing in-flight work`);
    void app
      .close()
      .then(() => shutdownTelemetry())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

function installProblemDetails(app: NestFastifyApplication): void {
  // Nest's Fastify adapter routes body-parser errors (malformed JSON, too large) to this filter too.
  app.useGlobalFilters(new ProblemDetailsFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // The APIs speak JSON only: any other body type is refused with 415 rather than half-parsed.
  fastify.removeContentTypeParser('text/plain');
}

async function listeningUrl(app: INestApplication): Promise<string> {
  const address = app.getHttpServer().address();
  if (address && typeof address === 'object') {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${host}:${address.port}`;
  }
  return String(await app.getUrl());
}
