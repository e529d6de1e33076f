import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './repo-root';

/** The compiled services host (tools/services-host/main.ts), as the tools build writes it. */
export const SERVICES_HOST_ENTRY = 'dist/tools/tools/services-host/main.js';

/** What builds every service (and the launcher), from Nx's cache when nothing changed. */
export const BUILD_SERVICES_COMMAND = 'npx nx run-many -t build';

/**
 * The repo-relative compiled entry of a service, as `nx run <service>:build` writes it: the output
 * mirrors the repo's layout, so apps/<service>/src/main.ts becomes dist/apps/<service>/apps/<service>/src/main.js.
 */
export function compiledServiceEntry(service: string): string {
  return `dist/apps/${service}/apps/${service}/src/main.js`;
}

/** Fails with what to run when a service has not been built. */
export function assertServicesBuilt(services: readonly string[]): void {
  const missing = services.filter((service) => !existsSync(join(repoRoot(), compiledServiceEntry(service))));
  if (missing.length > 0) {
    throw new Error(
      `not built: ${missing.join(', ')} (no ${compiledServiceEntry(missing[0] ?? '')}); ` +
        `run \`${BUILD_SERVICES_COMMAND}\` first`,
    );
  }
}

/** Fails with what to run when the services host (tools/services-host) has not been built. */
export function assertServicesHostBuilt(): void {
  if (!existsSync(join(repoRoot(), SERVICES_HOST_ENTRY))) {
    throw new Error(
      `not built: the services host (no ${SERVICES_HOST_ENTRY}); run \`${BUILD_SERVICES_COMMAND}\` first`,
    );
  }
}
