/**
 * The child log directory on a tiny tmpfs (mounted by the test; needs root) fills up: the child
 * keeps running, the write error is logged once, logging resumes when space returns, and the
 * daemon stays up.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { config, group, program, tempDir } from '../../helpers/config.js';
import { eventually, startSupervisor } from '../../helpers/engine.js';
import { FAULT_PROGRAMS, killTagged, newTag, taggedEnv } from './_util.js';

const isRoot = (process.getuid?.() ?? 1) === 0;
let mnt = '';
let mounted = false;
let mountError = '';

beforeAll(() => {
  if (!isRoot) return;
  mnt = tempDir('paddock-fault-tmpfs-');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k,mode=0755', 'tmpfs', mnt], {
    encoding: 'utf8',
  });
  mounted = r.status === 0;
  if (!mounted) mountError = (r.stderr || r.error?.message || 'mount failed').trim();
});

afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', mnt]);
  if (mnt) fs.rmSync(mnt, { recursive: true, force: true });
});

const count = (text: string, re: RegExp) => text.split('\n').filter((l) => re.test(l)).length;

describe('fault: log directory fills up', () => {
  it('child keeps running, error logged once, logging resumes when space returns', async (ctx) => {
    if (!isRoot) ctx.skip('needs root to mount a tmpfs for the log directory');
    if (!mounted) ctx.skip(`could not mount a tmpfs: ${mountError}`);
    const dir = tempDir('paddock-fault-full-');
    const tag = newTag('diskfull');
    const log = path.join(mnt, 'ticker.log');
    const { sup, rec } = await startSupervisor(
      config(dir, [
        group('ticker', [
          program('ticker', `${process.execPath} ${path.join(FAULT_PROGRAMS, 'ticker.cjs')} 5`, {
            startsecs: 0,
            stdout: { logfile: log, logfileMaxbytes: 0, logfileBackups: 0 },
          }),
        ]),
      ]),
      { environ: taggedEnv(tag) },
    );
    try {
      await rec.untilState('ticker', 'RUNNING');
      const pid = sup.getProcessInfo('ticker').pid;
      // leave a little room, then let the child's own output fill the filesystem
      const filler = path.join(mnt, 'filler');
      const fd = fs.openSync(filler, 'w');
      const block = Buffer.alloc(4096, 'f');
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (e) {
        expect((e as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      const mainLog = sup.getMainLogPath() as string;
      const errRe = /cannot write stdout log of 'ticker'.*ENOSPC/;
      await eventually(async () => {
        await sup.logger.file?.flush();
        return count(fs.readFileSync(mainLog, 'utf8'), errRe) >= 1;
      }, 'the ENOSPC error in the activity log');
      // keep writing into a full disk for a while: still one error line, child and daemon alive
      const ticksBefore = fs.statSync(log).size;
      await new Promise((r) => setTimeout(r, 600)); // the child writes ~120 lines meanwhile
      expect(sup.getProcessInfo('ticker').statename).toBe('RUNNING');
      expect(sup.getProcessInfo('ticker').pid).toBe(pid);
      await sup.logger.file?.flush();
      expect(count(fs.readFileSync(mainLog, 'utf8'), errRe)).toBe(1);
      expect(fs.statSync(log).size).toBeLessThanOrEqual(ticksBefore + 4096);

      // space returns: output reaches the file again
      fs.rmSync(filler);
      const sizeAtFree = fs.statSync(log).size;
      await eventually(async () => {
        await sup.flushLogs();
        return fs.statSync(log).size > sizeAtFree + 2000;
      }, 'logging to resume');
      const tail = fs.readFileSync(log, 'utf8').split('\n').slice(-3, -1);
      expect(tail.every((l) => /^tick \d+ p+$/.test(l))).toBe(true);
      await sup.logger.file?.flush();
      const text = fs.readFileSync(mainLog, 'utf8');
      expect(text).toMatch(/writing stdout log of 'ticker' resumed; \d+ bytes were dropped/);
      expect(count(text, errRe)).toBe(1);
      expect(sup.getProcessInfo('ticker').pid).toBe(pid);
      expect(sup.getState().statename).toBe('RUNNING');
    } finally {
      await sup.shutdownAndWait();
      killTagged(tag);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
