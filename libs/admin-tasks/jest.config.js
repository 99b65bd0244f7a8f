module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'admin-tasks',
  rootDir: __dirname,
};
