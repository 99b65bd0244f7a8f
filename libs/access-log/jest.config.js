module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'access-log',
  rootDir: __dirname,
  testTimeout: 60_000,
};
