import { type INestApplication, Logger, type LoggerService, type Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { shutdownTelemetry } from '@switchboard/telemetry';
import type { FastifyRequest } from 'fastify';
import { type EventLoopWatchdogOptions, watchEventLoop } from './health/event-loop-watchdog';
import { installJsonBodyParser } from './json-body';
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
  /** When a blocked event loop is logged and fails liveness; see EVENT_LOOP_DEFAULTS. */
  eventLoop?: EventLoopWatchdogOptions;
  /**
   * How long SIGTERM or SIGINT may take to close the app; past it, the process logs what it was
   * still waiting for and exits with code 1. Default 15 s, under the 30 s an orchestrator
   * usually waits before SIGKILL.
   */
  shutdownGraceMs?: number;
  /** Serve HTTPS with this PEM certificate (chain) and private key instead of plain HTTP. */
  https?: ServiceTlsOptions;
  /** Extra set-up before listening (OpenAPI, global pipes). */
  configure?(app: NestFastifyApplication): void | Promise<void>;
}

export interface ServiceTlsOptions {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface RunningService {
  app: NestFastifyApplication;
  /** Where it listens, e.g. http://127.0.0.1:3000 (https:// with `https`; the real port when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;
export const DEFAULT_SHUTDOWN_GRACE_MS = 15_000;

const SHUTDOWN_HOOKS = ['onModuleDestroy', 'beforeApplicationShutdown', 'onApplicationShutdown'] as const;

/** What starts a service from its environment variables (an app's `start-from-environment.ts`). */
export type StartFromEnvironment = (
  environment: Record<string, string | undefined>,
) => Promise<RunningService>;

// Set in a process that hosts several services (`npm start`): each service exiting the process once
// it alone has closed would cut the others' shutdown short, so the host closes them all itself.
let signalsLeftToHost = false;

/** Services started after this call leave SIGTERM and SIGINT to the caller, which closes them. */
export function leaveSignalsToHost(): void {
  signalsLeftToHost = true;
}

/**
 * Starts a Switchboard service: Fastify with the one JSON body parser, problem+json errors, an
 * event-loop watchdog behind /health/live, and shutdown on SIGTERM and SIGINT that finishes
 * in-flight work and commits through each module's shutdown hooks, within a grace period.
 */
export async function runService(options: ServiceOptions): Promise<RunningService> {
  const logger = new Logger(options.name);
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const adapter = new FastifyAdapter(
    options.https
      ? { bodyLimit, https: { cert: options.https.cert, key: options.https.key } }
      : { bodyLimit },
  );
  const app = await NestFactory.create<NestFastifyApplication>(options.module, adapter, {
    logger: options.logger,
    bufferLogs: true,
  });
  installProblemDetails(app);
  installJsonBodyParser(app, bodyLimit);
  const inFlight = trackRequestsInFlight(app);
  if (!signalsLeftToHost) {
    closeOnSignals(app, logger, options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS, inFlight);
  }
  const watchdog: { leave?: () => void } = {};
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => watchdog.leave?.());
  await options.configure?.(app);
  await app.listen({ port: options.port, host: options.host ?? '127.0.0.1' });
  // Started once listening: compiling and wiring the app blocks the loop, and that is not a fault.
  watchdog.leave = watchEventLoop(options.eventLoop);
  const url = await listeningUrl(app, options.https ? 'https' : 'http');
  logger.log(`${options.name} ready on ${url}`);
  return { app, url, close: () => app.close() };
}

/**
 * SIGTERM or SIGINT: close the app (modules stop consuming, finish in-flight work and commit in
 * their shutdown hooks), flush buffered spans, and exit 0. If that takes longer than the grace
 * period (a handler or hook that never finishes), log what is still pending and exit 1, so that
 * the process never outlives its orchestrator's patience. A second signal exits at once.
 */
function closeOnSignals(
  app: NestFastifyApplication,
  logger: Logger,
  graceMs: number,
  inFlight: Set<FastifyRequest>,
): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) process.exit(1);
    closing = true;
    logger.log(`${signal} received: finishing in-flight work (at most ${graceMs} ms)`);
    const pendingHooks = trackShutdownHooks(app);
    let step = 'the app to close';
    // Not unref'd: a hook that never settles may leave nothing else to keep the process up.
    setTimeout(() => {
      const waitingFor = [...pendingHooks, ...describeRequests(inFlight)];
      logger.error(
        `shutdown did not finish within ${graceMs} ms; still waiting for ${waitingFor.join(', ') || step}; exiting with code 1`,
      );
      process.exit(1);
    }, graceMs);
    void app
      .close()
      .then(() => {
        step = 'buffered spans to be exported';
        return shutdownTelemetry();
      })
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

/**
 * Wraps every shutdown hook of the app's providers and controllers so that the names of those
 * that have started and not finished (e.g. `RouterConsumer.beforeApplicationShutdown`) are in
 * the returned set while the app closes.
 */
function trackShutdownHooks(app: INestApplication): Set<string> {
  const pending = new Set<string>();
  const seen = new Set<object>();
  for (const module of app.get(ModulesContainer, { strict: false }).values()) {
    for (const wrapper of [...module.providers.values(), ...module.controllers.values()]) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (typeof instance !== 'object' || instance === null || seen.has(instance)) continue;
      seen.add(instance);
      for (const hook of SHUTDOWN_HOOKS) {
        const original = instance[hook];
        if (typeof original !== 'function') continue;
        const name = `${instance.constructor.name}.${hook}`;
        const tracked = async (...args: unknown[]) => {
          pending.add(name);
          try {
            return await original.apply(instance, args);
          } finally {
            pending.delete(name);
          }
        };
        // A frozen value provider keeps its hook untracked; the grace period still applies.
        Reflect.set(instance, hook, tracked);
      }
    }
  }
  return pending;
}

function trackRequestsInFlight(app: NestFastifyApplication): Set<FastifyRequest> {
  const inFlight = new Set<FastifyRequest>();
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', async (request) => {
    inFlight.add(request);
  });
  fastify.addHook('onResponse', async (request) => {
    inFlight.delete(request);
  });
  fastify.addHook('onRequestAbort', async (request) => {
    inFlight.delete(request);
  });
  return inFlight;
}

function describeRequests(inFlight: Set<FastifyRequest>): string[] {
  const requests = [...inFlight].map(
    (request) => `${request.method} ${request.routeOptions?.url ?? request.url}`,
  );
  return requests.length > 0
    ? [`${requests.length} request(s) in flight (${requests.slice(0, 5).join(', ')})`]
    : [];
}

function installProblemDetails(app: NestFastifyApplication): void {
  // Nest's Fastify adapter routes body-parser errors (malformed JSON, too large) to this filter too.
  app.useGlobalFilters(new ProblemDetailsFilter());
  const fastify = app.getHttpAdapter().getInstance();
  // The APIs speak JSON only: any other body type is refused with 415 rather than half-parsed.
  fastify.removeContentTypeParser('text/plain');
}

async function listeningUrl(app: INestApplication, protocol: 'http' | 'https'): Promise<string> {
  const address = app.getHttpServer().address();
  if (address && typeof address === 'object') {
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `${protocol}://${host}:${address.port}`;
  }
  return String(await app.getUrl());
}
