module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'deployment',
  rootDir: __dirname,
  // The process tests start the built apps, built once for the run.
  globalSetup: '<rootDir>/build-apps.js',
  testTimeout: 120_000,
};
