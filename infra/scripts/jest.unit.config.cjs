// `npm run test:unit`: every project's pure `*.spec.ts` in one Jest run, no
// database, no Kafka, no built app. The integration tier (`*.int.spec.ts`)
// and test/e2e stay with `npm test` (docs/architecture.md, "Tests").
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const projectConfigs = ['apps', 'libs'].flatMap((group) =>
  readdirSync(join(root, group))
    .map((name) => join(root, group, name, 'jest.config.js'))
    .filter((path) => existsSync(path)),
);

module.exports = {
  projects: projectConfigs.map((path) => ({
    ...require(path),
    testPathIgnorePatterns: ['/node_modules/', '\\.int\\.spec\\.ts$'],
  })),
};
