import nx from '@nx/eslint-plugin';
import prettier from 'eslint-config-prettier';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const workspaceRoot = dirname(fileURLToPath(import.meta.url));

// Scope tags are read from the projects themselves, so a new service gets its
// "own scope + shared" constraint the moment its project.json declares it.
const SKIPPED_DIRECTORIES = new Set([
  'node_modules',
  'dist',
  'coverage',
  'tmp',
  '.nx',
  '.git',
  '.switchboard',
]);

function findScopeTags() {
  const tags = new Set(['scope:shared']);
  const visit = (dir, depth) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && depth < 5 && !SKIPPED_DIRECTORIES.has(entry.name)) {
        visit(join(dir, entry.name), depth + 1);
      } else if (entry.isFile() && entry.name === 'project.json') {
        const project = JSON.parse(readFileSync(join(dir, entry.name), 'utf8'));
        for (const tag of project.tags ?? []) {
          if (tag.startsWith('scope:')) tags.add(tag);
        }
      }
    }
  };
  visit(workspaceRoot, 0);
  return [...tags].sort();
}

// Domain libs hold plain rules: no framework, no I/O client. Contracts describe payloads only.
const DOMAIN_BANNED_IMPORTS = ['@nestjs/*', 'typeorm', 'pg', 'kafkajs', '@electric-sql/*'];
const CONTRACTS_BANNED_IMPORTS = ['typeorm', 'pg', 'kafkajs', '@electric-sql/*'];
// A domain lib's integration test plays the app that owns the connection (e.g. a pg Pool for SQL
// the lib only hands to an injected query function); its src still may not.
const DOMAIN_TEST_BANNED_IMPORTS = DOMAIN_BANNED_IMPORTS.filter((name) => name !== 'pg');

// Test files (specs, int-specs, test/ folders) may also use the shared test harness.
function dependencyConstraints({ testFiles }) {
  const testing = testFiles ? ['type:testing'] : [];
  const typeConstraints = [
    {
      sourceTag: 'type:app',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', ...testing],
    },
    {
      sourceTag: 'type:infra',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', ...testing],
    },
    {
      sourceTag: 'type:domain',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', ...testing],
      bannedExternalImports: testFiles ? DOMAIN_TEST_BANNED_IMPORTS : DOMAIN_BANNED_IMPORTS,
    },
    {
      sourceTag: 'type:contracts',
      onlyDependOnLibsWithTags: ['type:contracts', ...testing],
      bannedExternalImports: CONTRACTS_BANNED_IMPORTS,
    },
    {
      sourceTag: 'type:testing',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', 'type:testing'],
    },
    {
      // `npm start` runs the product, so it gets the sandboxes (infra) but not the test harness;
      // benches are test files and get the harness too.
      sourceTag: 'type:tool',
      onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', ...testing],
    },
  ];
  const scopeConstraints = findScopeTags().map((scope) => ({
    sourceTag: scope,
    onlyDependOnLibsWithTags: scope === 'scope:shared' ? ['scope:shared'] : [scope, 'scope:shared'],
  }));
  return [...typeConstraints, ...scopeConstraints];
}

function moduleBoundaries({ testFiles }) {
  return [
    'error',
    {
      // `allow` stays empty: another project is imported only through its public entry
      // point (@switchboard/<name>), never by a deep or relative path.
      allow: [],
      enforceBuildableLibDependency: true,
      banTransitiveDependencies: true,
      checkDynamicDependenciesExceptions: [],
      depConstraints: dependencyConstraints({ testFiles }),
    },
  ];
}

// Benches drive real infrastructure the way tests do, so they may use the test harness too.
const TEST_FILES = [
  '**/*.spec.ts',
  '**/*.int-spec.ts',
  '**/test/**/*.ts',
  '**/e2e/**/*.ts',
  '**/bench/**/*.ts',
];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/coverage', '**/.nx', '**/tmp', '**/.switchboard'],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs', '**/*.cjs'],
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testFiles: false }),
    },
  },
  {
    files: TEST_FILES,
    rules: {
      '@nx/enforce-module-boundaries': moduleBoundaries({ testFiles: true }),
    },
  },
  {
    // A project's lint config extends this file by a relative path, which no project owns.
    files: ['**/eslint.config.mjs'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // CommonJS config files (jest.config.js, jest.preset.js, tools/*.js).
    files: ['**/*.js', '**/*.cjs'],
    languageOptions: { sourceType: 'commonjs' },
  },
  prettier,
];
