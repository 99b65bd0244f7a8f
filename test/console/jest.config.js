module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'console',
  rootDir: __dirname,
  // The admin console in a real Chromium against the built API, started as its own process.
  globalSetup: '<rootDir>/../support/build-api.js',
  testTimeout: 90_000,
};
