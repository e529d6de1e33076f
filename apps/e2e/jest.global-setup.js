// The e2e suites start every service from its compiled output: build once, before any suite runs,
// what changed since the last build (Nx's cache hands back the rest).
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

module.exports = function buildServices() {
  execFileSync(
    process.execPath,
    [require.resolve('nx/bin/nx.js'), 'run-many', '-t', 'build', '--outputStyle=static-failures-only'],
    { cwd: join(__dirname, '..', '..'), stdio: 'inherit' },
  );
};
