const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

/** Builds the API once before the end-to-end tests start it as a process. */
module.exports = function buildApi() {
  const root = join(__dirname, '..', '..');
  const result = spawnSync(process.execPath, ['infra/scripts/build-app.mjs', 'api'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('Building the API for the end-to-end tests failed');
};
