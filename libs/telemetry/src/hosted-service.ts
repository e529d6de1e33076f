import { AsyncLocalStorage } from 'node:async_hooks';

// Nest keeps one global logger per process, the last application's: in a process that hosts several
// services, every service's lines would go out under the name of the one created last. The work a
// service does (its sockets, timers and requests) carries the name it was started under, and its
// log lines say that name.
const hostedService = new AsyncLocalStorage<string>();

/**
 * Runs `work` (a service's start-up, or its shutdown) so that all it sets going logs as `name`.
 * Shutdown needs it too: a signal handler runs outside every service's start-up.
 */
export function runAsHostedService<T>(name: string, work: () => T): T {
  return hostedService.run(name, work);
}

/** The name of the hosted service whose work is running; none outside a services host. */
export function hostedServiceName(): string | undefined {
  return hostedService.getStore();
}
