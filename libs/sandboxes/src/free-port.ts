import { createServer, type AddressInfo } from 'node:net';

/**
 * A TCP port that was free a moment ago on 127.0.0.1. Another process may still take it
 * before it is used, so prefer letting a server listen on port 0 when it can report its port.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
