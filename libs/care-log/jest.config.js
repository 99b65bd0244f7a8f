module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'care-log',
  rootDir: __dirname,
};
