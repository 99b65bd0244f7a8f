module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'integration',
  rootDir: __dirname,
  // The broker-outage test keeps Kafka down for 20 s on purpose.
  testTimeout: 120_000,
};
