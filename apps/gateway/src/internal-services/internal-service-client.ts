import { Logger } from '@nestjs/common';
import { validate } from '@switchboard/contracts';
import { ServiceCredentials } from '@switchboard/security';
import type { z } from 'zod';
import type { GatewayConfig } from '../config';
import { GatewayError } from '../gateway-error';

export interface UpstreamAnswer {
  status: number;
  /** Parsed JSON; undefined when a passed-through error came without a JSON body. */
  body: unknown;
}

// Client errors an internal service answers for the caller's input; they pass through as they are.
const PASSED_THROUGH_STATUSES = new Set([400, 404, 409, 422]);

/** The services whose internal API the gateway calls; each is the audience of its credentials. */
export type InternalService = 'ingest' | 'router' | 'template' | 'analytics' | 'sender-inapp';

// undefined: the service is optional and not configured (the caller checks before making a client).
const BASE_URL_OF: Record<InternalService, (config: GatewayConfig) => string | undefined> = {
  ingest: (config) => config.INGEST_URL,
  router: (config) => config.ROUTER_URL,
  template: (config) => config.TEMPLATE_URL,
  analytics: (config) => config.ANALYTICS_URL,
  'sender-inapp': (config) => config.SENDER_INAPP_URL,
};

// One set of cached tokens per gateway (per config object), shared by every client it makes.
const credentialsOfGateway = new WeakMap<GatewayConfig, ServiceCredentials>();

/** The client of one internal service, sending the gateway's service credential for it. */
export function internalServiceClient(
  config: GatewayConfig,
  service: InternalService,
): InternalServiceClient {
  let credentials = credentialsOfGateway.get(config);
  if (!credentials) {
    credentials = new ServiceCredentials({ issuer: 'gateway', secrets: config.SERVICE_TOKEN_SECRETS });
    credentialsOfGateway.set(config, credentials);
  }
  const baseUrl = BASE_URL_OF[service](config);
  if (baseUrl === undefined) throw new Error(`the gateway has no URL configured for the ${service} service`);
  return new InternalServiceClient(service, baseUrl, config.INTERNAL_HTTP_TIMEOUT, credentials);
}

/**
 * JSON over HTTP to another Switchboard service's /internal API, with a service credential for
 * that service. An unreachable or overloaded service becomes SERVICE_UNAVAILABLE (503), any other
 * failure of its own UPSTREAM_FAILED (502).
 */
export class InternalServiceClient {
  private readonly logger = new Logger(InternalServiceClient.name);

  constructor(
    readonly serviceName: InternalService,
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
    private readonly credentials: ServiceCredentials,
  ) {}

  /** 2xx answers and the passed-through client errors; everything else throws a GatewayError. */
  async request(
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<UpstreamAnswer> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: {
          authorization: this.credentials.authorizationFor(this.serviceName),
          ...(body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      // The cause names internal addresses: it goes to the log, not to the caller.
      this.logger.warn(`${method} ${path} on the ${this.serviceName} service failed`, {
        error: describe(error),
      });
      throw new GatewayError('SERVICE_UNAVAILABLE', `the ${this.serviceName} service is unreachable`);
    }
    const answer = { status: response.status, body: await readJson(response) };
    if (response.ok) {
      // 204 No Content (a deletion) is the one success that has no body by design.
      if (answer.body === undefined && response.status !== 204)
        throw this.failed(`answered ${response.status} without a JSON body`);
      return answer;
    }
    if (PASSED_THROUGH_STATUSES.has(response.status)) return answer;
    if (response.status === 401) {
      // The services disagree on SERVICE_TOKEN_SECRETS (or on the time): an operator must act.
      this.logger.error(
        `the ${this.serviceName} service refused the gateway's service credential (${rejectionReason(answer.body)}): check that both have the same SERVICE_TOKEN_SECRETS and a synchronised clock`,
      );
      throw this.failed('refused the gateway’s service credential');
    }
    if (response.status === 503 || response.status === 429) {
      throw new GatewayError('SERVICE_UNAVAILABLE', `the ${this.serviceName} service is unavailable`);
    }
    throw this.failed(`answered ${response.status}`);
  }

  /**
   * Like request, with a successful answer checked against the shared contract, so that a service
   * drifting from it shows as a 502 here rather than as a surprise to the caller.
   */
  async requestChecked(
    answerSchema: z.ZodType<unknown>,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<UpstreamAnswer> {
    const answer = await this.request(method, path, body);
    if (answer.status >= 300 || answer.status === 204) return answer;
    const checked = validate(answerSchema, answer.body);
    if (!checked.ok) {
      const fields = checked.problems.map((problem) => problem.field || '(root)').join(', ');
      throw this.failed(`answered a body that breaks its contract (${fields})`);
    }
    return { status: answer.status, body: checked.value };
  }

  failed(detail: string): GatewayError {
    return new GatewayError('UPSTREAM_FAILED', `the ${this.serviceName} service ${detail}`);
  }
}

function rejectionReason(body: unknown): string {
  const reason = typeof body === 'object' && body !== null && 'reason' in body ? body.reason : undefined;
  return typeof reason === 'string' ? reason : 'no reason given';
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// Duck-typed: fetch's errors may come from another realm (test sandboxes), where instanceof fails.
function describe(error: unknown): string {
  const message = (value: unknown) =>
    typeof value === 'object' && value !== null && 'message' in value ? String(value.message) : undefined;
  const cause =
    typeof error === 'object' && error !== null && 'cause' in error ? message(error.cause) : undefined;
  const own = message(error) ?? String(error);
  return cause === undefined ? own : `${own}: ${cause}`;
}
