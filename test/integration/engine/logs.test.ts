import fs from 'node:fs';

import { afterEach, describe, expect, it } from 'vitest';

import type { Supervisor } from '../../../main/engine/supervisor.js';
import { config, group, nodeCmd, program, tempDir } from '../../helpers/config.js';
import { logContains, startSupervisor } from '../../helpers/engine.js';

const running: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.shutdownAndWait()));
});

function readRotated(base: string, backups: number): string {
  const parts: string[] = [];
  for (let i = backups; i >= 1; i--) {
    const f = `${base}.${i}`;
    if (fs.existsSync(f)) parts.push(fs.readFileSync(f, 'latin1'));
  }
  parts.push(fs.readFileSync(base, 'latin1'));
  return parts.join('');
}

describe('child logs', () => {
  it('rotates under a fast writer without losing or duplicating a byte', async () => {
    const dir = tempDir();
    const total = 200_000;
    const { sup, rec } = await startSupervisor(
      config(dir, [
        group('spew', [
          program('spew', nodeCmd('spew.js', total, 90), {
            startsecs: 0,
            autorestart: false,
            stdout: {
              logfile: `${dir}/spew.log`,
              logfileMaxbytes: 1024 * 1024,
              logfileBackups: 40,
            },
          }),
        ]),
      ]),
    );
    running.push(sup);
    await rec.untilState('spew', 'EXITED', 60_000);
    await sup.flushLogs();
    const text = readRotated(`${dir}/spew.log`, 40);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(total);
    for (let i = 0; i < total; i++) {
      if (lines[i]?.slice(0, 9) !== String(i + 1).padStart(9, '0')) {
        throw new Error(`line ${i + 1} is ${JSON.stringify(lines[i]?.slice(0, 20))}`);
      }
    }
    // Rotation happened with supervisord's names, and every rotated file reached maxbytes.
    expect(fs.existsSync(`${dir}/spew.log.1`)).toBe(true);
    expect(fs.statSync(`${dir}/spew.log.1`).size).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it('redirect_stderr sends stderr into the stdout log', async () => {
    const dir = tempDir();
    const cmd = `${process.execPath} -e "console.error('to-stderr'); setInterval(()=>{},1e9)"`;
    const { sup, rec } = await startSupervisor(
      config(dir, [group('r', [program('r', cmd, { startsecs: 0, redirectStderr: true })])]),
    );
    running.push(sup);
    await rec.untilState('r', 'RUNNING');
    expect(await logContains(sup, 'r', 'to-stderr')).toBe('to-stderr\n');
    expect(sup.getProcessInfo('r').stderr_logfile).toBe('');
  });

  it('strip_ansi removes colour escapes', async () => {
    const dir = tempDir();
    const cmd = `${process.execPath} -e "process.stdout.write('\\x1b[31mred\\x1b[0m plain\\n'); setInterval(()=>{},1e9)"`;
    const { sup, rec } = await startSupervisor(
      config(dir, [group('c', [program('c', cmd, { startsecs: 0 })])], { stripAnsi: true }),
    );
    running.push(sup);
    await rec.untilState('c', 'RUNNING');
    expect(await logContains(sup, 'c', 'plain')).toBe('red plain\n');
  });

  it('SIGUSR2-style reopen recreates a log moved away under a running child', async () => {
    const dir = tempDir();
    const cmd = `${process.execPath} -e "process.stdin.on('data', d => process.stdout.write(d))"`;
    const { sup, rec } = await startSupervisor(
      config(dir, [
        group('echo', [
          program('echo', cmd, { startsecs: 0, stdout: { logfile: `${dir}/echo.log` } }),
        ]),
      ]),
    );
    running.push(sup);
    await rec.untilState('echo', 'RUNNING');
    sup.sendProcessStdin('echo', 'before\n');
    await logContains(sup, 'echo', 'before');
    fs.renameSync(`${dir}/echo.log`, `${dir}/echo.log.old`);
    await sup.reopenLogs();
    sup.sendProcessStdin('echo', 'after\n');
    expect(await logContains(sup, 'echo', 'after')).toBe('after\n');
    expect(fs.readFileSync(`${dir}/echo.log.old`, 'utf8')).toBe('before\n');
  });

  it("reads and tails logs with supervisord's offset rules", async () => {
    const dir = tempDir();
    const cmd = `${process.execPath} -e "process.stdout.write('0123456789'); setInterval(()=>{},1e9)"`;
    const { sup, rec } = await startSupervisor(
      config(dir, [group('t', [program('t', cmd, { startsecs: 0 })])]),
    );
    running.push(sup);
    await rec.untilState('t', 'RUNNING');
    await logContains(sup, 't', '9');
    expect(sup.readProcessLog('t', 'stdout', 0, 0).toString()).toBe('0123456789');
    expect(sup.readProcessLog('t', 'stdout', 2, 3).toString()).toBe('234');
    expect(sup.readProcessLog('t', 'stdout', -4, 0).toString()).toBe('6789');
    expect(() => sup.readProcessLog('t', 'stdout', -4, 2)).toThrow('BAD_ARGUMENTS');
    expect(() => sup.readProcessLog('t', 'stderr', 0, 0)).not.toThrow();
    const [data, offset, overflow] = sup.tailProcessLog('t', 'stdout', 0, 4);
    expect([data.toString(), offset, overflow]).toEqual(['6789', 10, true]);
    expect(sup.tailProcessLog('t', 'stdout', 10, 4).map(String)).toEqual(['', '10', 'false']);
    expect(sup.tailProcessLog('t', 'stdout', 8, 4).map(String)).toEqual(['6789', '10', 'false']);
  });
});
