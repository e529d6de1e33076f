// Shared Jest settings: swc with decorator metadata so Nest can inject by type.
const { pathsToModuleNameMapper } = require('./tools/jest-paths');

// @opentelemetry/otlp-exporter-base loads node:http with a dynamic import(), which Jest's
// CommonJS runtime refuses ("A dynamic import callback was invoked without
// --experimental-vm-modules"); compiling that one package turns it into require(), so a real
// OTLP exporter can run inside a test.
// Likewise content-disposition 3 (pulled in by @fastify/static for the /docs UI) ships as ES
// modules only.
const COMPILED_PACKAGES = ['@opentelemetry/otlp-exporter-base', 'content-disposition'];

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: 'commonjs' },
      },
    ],
    [`/node_modules/(${COMPILED_PACKAGES.join('|')})/.+\\.js$`]: [
      '@swc/jest',
      { jsc: { target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${COMPILED_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(),
};
