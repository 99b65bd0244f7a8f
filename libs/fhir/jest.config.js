module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'fhir',
  rootDir: __dirname,
};
