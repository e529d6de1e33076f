// `npm start`: builds the services and the launcher (tools/start.ts) where their sources changed
// (Nx's cache hands back the rest), then runs the compiled launcher in this same process, so the
// platform runs as plain JavaScript with no TypeScript hook. Plain JavaScript itself, for the same reason.
'use strict';

const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const workspaceRoot = join(__dirname, '..', '..');
const COMPILED_LAUNCHER = join(workspaceRoot, 'dist', 'tools', 'tools', 'start.js');

const build = spawnSync(
  process.execPath,
  [require.resolve('nx/bin/nx.js'), 'run-many', '-t', 'build', '--outputStyle=static-failures-only'],
  { cwd: workspaceRoot, stdio: 'inherit' },
);
if (build.status !== 0) {
  console.error(`Switchboard could not start: building the services failed (${describeExit(build)}).`);
  process.exit(1);
}

// Stack traces name the .ts lines.
process.setSourceMapsEnabled(true);
require(COMPILED_LAUNCHER);

function describeExit(result) {
  if (result.error) return result.error.message;
  return result.signal ? `signal ${result.signal}` : `exit code ${result.status}`;
}
