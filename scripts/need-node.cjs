#!/usr/bin/env node
'use strict';
/*
 * Stops at once, with a plain message, when the Node running this is older than the one Baton needs.
 * Plain CommonJS on purpose: the project's own scripts are TypeScript, which older Node cannot even
 * load, so this runs first (`node scripts/need-node.cjs && node scripts/demo.ts`).
 */
const NEEDED = 24;
const major = Number(process.versions.node.split('.')[0]);
if (!(major >= NEEDED)) {
  process.stderr.write(
    `Baton needs Node ${NEEDED} or newer; this is Node ${process.versions.node} (${process.execPath}).\n` +
      `Get Node ${NEEDED}: "nvm install" or "fnm use" (both read .nvmrc / .node-version here), or https://nodejs.org/en/download.\n`,
  );
  process.exit(1);
}
