import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

let cachedRoot: string | undefined;

/** The workspace root: the nearest folder above this file that holds nx.json. */
export function repoRoot(): string {
  if (cachedRoot) return cachedRoot;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return (cachedRoot = dir);
    if (dirname(dir) === dir) throw new Error(`no nx.json found in any folder above ${__dirname}`);
  }
}
