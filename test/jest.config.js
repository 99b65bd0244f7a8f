module.exports = {
  ...require('../jest.preset.js'),
  displayName: 'e2e',
  rootDir: __dirname,
  // console/: the admin console in a real Chromium (docs/deployment.md, "Admin console").
  testMatch: ['<rootDir>/e2e/**/*.spec.ts', '<rootDir>/console/**/*.spec.ts'],
  // The API under test runs as its own process, built once for the run.
  globalSetup: '<rootDir>/support/build-api.js',
  testTimeout: 120_000,
};
