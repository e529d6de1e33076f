// End to end: every service as its own process, on the embedded broker and real PostgreSQL.
module.exports = {
  displayName: 'e2e',
  preset: '../../jest.preset.js',
  rootDir: '.',
  testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/jest.global-setup.js',
  testTimeout: 180_000,
};
