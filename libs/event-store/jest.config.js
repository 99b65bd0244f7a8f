module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'event-store',
  rootDir: __dirname,
  // PGlite instances take seconds to initialise and the concurrency tests
  // hold transactions open on purpose.
  testTimeout: 120_000,
};
