#!/usr/bin/env node
// Bundles preload/index.ts into one CommonJS file, as a sandboxed preload requires
// (it may only `require('electron')` and a few Node built-ins, not local modules).
//   node scripts/build-preload.mjs [outfile]     (default out/preload/index.cjs)
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outfile = process.argv[2] ?? join(root, 'out', 'preload', 'index.cjs');

await build({
  entryPoints: [join(root, 'preload', 'index.ts')],
  outfile,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  external: ['electron'],
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
});
console.log(`preload bundled → ${outfile}`);
