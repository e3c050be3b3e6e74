#!/usr/bin/env node
// `npm start`: runs the desktop app in development. Checks for Electron's binary first: where it
// could not be downloaded (npm install --ignore-scripts, offline machines) it says so in one line
// and points at the headless daemon instead.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The Electron executable, or null when it is not installed. */
export function electronBinary() {
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const pkg = join(root, 'node_modules', 'electron');
  let rel;
  try {
    rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
  } catch {
    rel = null;
  }
  if (override) {
    const name = rel ?? (process.platform === 'win32' ? 'electron.exe' : 'electron');
    const p = join(override, name);
    return existsSync(p) ? p : null;
  }
  if (rel === null) return null;
  const p = join(pkg, 'dist', rel);
  return existsSync(p) ? p : null;
}

const bin = electronBinary();
if (bin === null) {
  console.error(
    "paddock: Electron's binary is not installed on this machine (node_modules/electron/dist is missing), so the desktop app cannot start; run Paddock headless instead with `npm run demo` (paddockd on the bundled example config).",
  );
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
for (const script of ['build']) {
  const r = spawnSync(npm, ['run', '--silent', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const child = spawn(bin, [root, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
