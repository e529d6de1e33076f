// Maps the tsconfig.base.json path aliases (@switchboard/*) for Jest, so there is one list of them.
const path = require('node:path');
const fs = require('node:fs');

function pathsToModuleNameMapper() {
  const tsconfig = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'tsconfig.base.json'), 'utf8'));
  const mapper = {};
  for (const [alias, targets] of Object.entries(tsconfig.compilerOptions.paths ?? {})) {
    mapper[`^${alias}$`] = path.join(__dirname, '..', targets[0]);
  }
  return mapper;
}

module.exports = { pathsToModuleNameMapper };
