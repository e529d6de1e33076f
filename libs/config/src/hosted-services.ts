// How a launcher hands a services host (one process running several services, `npm start`) the
// services to run. Here, with no dependency, so that the launcher need not load what the host loads.

/** One service for the host to run: its name (an app under apps/) and its environment variables. */
export interface HostedService {
  name: string;
  env: Record<string, string>;
}

/** The variable the launcher hands the host its services in, as JSON. */
export const HOSTED_SERVICES_VARIABLE = 'SWITCHBOARD_HOSTED_SERVICES';

const SERVICE_NAME = /^[a-z][a-z-]*$/;

/** The services `text` (the variable's value) lists; an error names the entry and what is wrong. */
export function parseHostedServices(text: string | undefined): HostedService[] {
  if (!text) throw new Error(`${HOSTED_SERVICES_VARIABLE} is required: a JSON list of { name, env }`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${HOSTED_SERVICES_VARIABLE} is not JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`${HOSTED_SERVICES_VARIABLE} must be a non-empty JSON list of { name, env }`);
  }
  return parsed.map((entry: unknown, index) => {
    const { name, env } = (entry ?? {}) as { name?: unknown; env?: unknown };
    if (typeof name !== 'string' || !SERVICE_NAME.test(name)) {
      throw new Error(`${HOSTED_SERVICES_VARIABLE}[${index}].name must be a service name such as "router"`);
    }
    const isStringRecord =
      typeof env === 'object' &&
      env !== null &&
      !Array.isArray(env) &&
      Object.values(env).every((value) => typeof value === 'string');
    if (!isStringRecord) {
      throw new Error(`${HOSTED_SERVICES_VARIABLE}[${index}].env must be an object of string values`);
    }
    return { name, env: env as Record<string, string> };
  });
}
