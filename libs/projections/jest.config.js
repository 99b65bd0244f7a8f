module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'projections',
  rootDir: __dirname,
  // PGlite instances take seconds to initialise and the concurrency tests
  // hold transactions open on purpose.
  testTimeout: 120_000,
};
