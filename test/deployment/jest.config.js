module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'deployment',
  rootDir: __dirname,
  // The process tests build the apps and start them.
  testTimeout: 120_000,
};
