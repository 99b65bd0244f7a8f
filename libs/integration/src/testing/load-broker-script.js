// Loads infra/kafka/broker.mjs (ESM) from a CommonJS test. Plain JavaScript on
// purpose: the TypeScript transform would turn this import() into require(),
// which cannot load ESM; Jest runs with --experimental-vm-modules
// (infra/scripts/jest.mjs), so a real dynamic import works here.
const { join } = require('node:path');

exports.loadBrokerScript = () => import(join(__dirname, '../../../../infra/kafka/broker.mjs'));
