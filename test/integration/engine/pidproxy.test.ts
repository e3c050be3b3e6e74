import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { alive, tempDir } from '../../helpers/config.js';
import { eventually } from '../../helpers/engine.js';

const BIN = path.resolve(import.meta.dirname, '../../../bin/paddock-pidproxy.js');

describe('paddock-pidproxy', () => {
  it('relays TERM to the pid in the pidfile of a self-daemonizing program and exits when it is gone', async () => {
    const dir = tempDir();
    const pidfile = path.join(dir, 'daemon.pid');
    // A "mysqld_safe": forks a detached daemon that writes its pidfile, then exits.
    const script = path.join(dir, 'daemonizer.cjs');
    fs.writeFileSync(
      script,
      `#!${process.execPath}
const { spawn } = require('node:child_process');
const d = spawn(process.execPath, ['-e', "require('fs').writeFileSync(process.argv[1], String(process.pid)); process.on('SIGTERM', () => { require('fs').writeFileSync(process.argv[1] + '.term', 'got'); process.exit(0); }); setInterval(()=>{},1e9)", ${JSON.stringify(pidfile)}], { detached: true, stdio: 'ignore' });
d.unref();
`,
      { mode: 0o755 },
    );
    const proxy = spawn(process.execPath, [BIN, pidfile, script], { stdio: 'ignore' });
    const exited = new Promise<number | null>((r) => proxy.on('exit', (c) => r(c)));
    const daemonPid = await eventually(
      () => (fs.existsSync(pidfile) ? Number(fs.readFileSync(pidfile, 'utf8')) : 0),
      'pidfile',
    );
    expect(alive(daemonPid)).toBe(true);
    await eventually(() => !proxy.killed && proxy.pid, 'proxy up');
    proxy.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(fs.readFileSync(`${pidfile}.term`, 'utf8')).toBe('got');
    expect(alive(daemonPid)).toBe(false);
  });

  it('prints usage and exits 1 without arguments', async () => {
    const p = spawn(process.execPath, [BIN], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise((r) => p.on('exit', r));
    expect(code).toBe(1);
    expect(out).toContain('Usage: paddock-pidproxy <pidfile name> <command>');
  });
});
