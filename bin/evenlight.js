#!/usr/bin/env node
'use strict';
// The CLI ships compiled (npm ci runs `prepare`, which builds dist/).
try {
  require('../dist/electron/cli/main.js');
} catch (err) {
  if (err && err.code === 'MODULE_NOT_FOUND' && String(err.message).includes('dist/electron/cli/main.js')) {
    console.error('evenlight: not built yet; run `npm run build` first');
    process.exit(2);
  }
  throw err;
}
