const path = require('node:path');
const preset = require('../../jest.preset.js');

module.exports = {
  ...preset,
  displayName: 'api',
  rootDir: __dirname,
  testTimeout: 60_000,
  // fhir-kit-client ships ES modules only: its files are transpiled like ours for the FHIR client spec.
  moduleNameMapper: {
    ...preset.moduleNameMapper,
    '^fhir-kit-client$': path.join(__dirname, '../../node_modules/fhir-kit-client/dist/index.js'),
  },
  transform: { ...preset.transform, 'fhir-kit-client/.+\\.js$': preset.transform['^.+\\.ts$'] },
  transformIgnorePatterns: ['/node_modules/(?!fhir-kit-client/)'],
};
