const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

/**
 * Builds every app once before the deployment tests run them as processes, so no two
 * test files build at the same time (infra/scripts/build-app.mjs skips an app whose
 * sources have not changed since its last build).
 */
module.exports = function buildApps() {
  const root = join(__dirname, '..', '..');
  for (const app of ['api', 'projector', 'relay', 'cli']) {
    const result = spawnSync(process.execPath, ['infra/scripts/build-app.mjs', app], { cwd: root, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`Building ${app} for the deployment tests failed`);
  }
};
