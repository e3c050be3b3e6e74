/**
 * Faults around a real `paddockd` process: a log file moved or deleted under a running child
 * then SIGUSR2; the config edited to be invalid then reread; paddockd SIGKILLed and started again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { XmlRpcFault } from '../../../main/engine/rpc/client.js';
import { tempDir } from '../../helpers/config.js';
import { eventually } from '../../helpers/engine.js';
import {
  alive,
  daemonConf,
  FAULT_PROGRAMS,
  type InfoLite,
  killTagged,
  newTag,
  type Paddockd,
  runPaddockd,
  tagged,
} from './_util.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function boot(programs: string, name: string) {
  const dir = tempDir(`paddock-fault-${name}-`);
  const tag = newTag(name);
  const conf = daemonConf(dir, programs);
  const d = await runPaddockd(conf, path.join(dir, 'rpc.sock'), tag);
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  cleanups.push(() => killTagged(tag));
  cleanups.push(() => d.stop());
  return { dir, tag, conf, d };
}

const info = async (d: Paddockd, name: string) =>
  (await d.client.call('supervisor.getProcessInfo', name)) as unknown as InfoLite;

const numbered = (n: number, every: number) =>
  `${process.execPath} ${path.join(FAULT_PROGRAMS, 'numbered.cjs')} ${n} ${every}`;

/** Line numbers of "line N" in `text`. */
const numbersIn = (text: string) =>
  text
    .split('\n')
    .map((l) => /^line (\d+)$/.exec(l)?.[1])
    .filter((x): x is string => x !== undefined)
    .map(Number);

describe('fault: log file moved or deleted, then SIGUSR2', () => {
  it('moved (logrotate create): the file is recreated and old+new hold every line once', async () => {
    const TOTAL = 1500;
    const { dir, d } = await boot(
      `[program:num]\ncommand=${numbered(TOTAL, 2)}\nstartsecs=0\nstdout_logfile=%(here)s/num.log\n`,
      'rotate',
    );
    const log = path.join(dir, 'num.log');
    await eventually(
      () => fs.existsSync(log) && numbersIn(fs.readFileSync(log, 'utf8')).length > 100,
      'first lines',
    );
    fs.renameSync(log, `${log}.old`);
    process.kill(d.pid, 'SIGUSR2');
    await eventually(() => fs.existsSync(log), 'log file recreated', 10_000);
    await eventually(
      () => fs.readFileSync(log, 'utf8').includes('done'),
      'all lines written',
      20_000,
    );
    const old = numbersIn(fs.readFileSync(`${log}.old`, 'utf8'));
    const fresh = numbersIn(fs.readFileSync(log, 'utf8'));
    expect(fresh.length).toBeGreaterThan(0);
    expect([...old, ...fresh]).toEqual(Array.from({ length: TOTAL }, (_, i) => i));
    expect((await info(d, 'num')).statename).toBe('RUNNING');
  });

  it('deleted: the file is recreated and every line after the reopen is in it', async () => {
    const TOTAL = 1500;
    const { dir, d } = await boot(
      `[program:num]\ncommand=${numbered(TOTAL, 2)}\nstartsecs=0\nstdout_logfile=%(here)s/num.log\n`,
      'delete',
    );
    const log = path.join(dir, 'num.log');
    await eventually(
      () => fs.existsSync(log) && numbersIn(fs.readFileSync(log, 'utf8')).length > 100,
      'first lines',
    );
    fs.unlinkSync(log);
    process.kill(d.pid, 'SIGUSR2');
    await eventually(() => fs.existsSync(log), 'log file recreated', 10_000);
    await eventually(
      () => fs.readFileSync(log, 'utf8').includes('done'),
      'all lines written',
      20_000,
    );
    const fresh = numbersIn(fs.readFileSync(log, 'utf8'));
    // Lines between the unlink and the reopen went to the deleted inode; from the first line in
    // the new file on, nothing is missing up to the last one.
    expect(fresh.length).toBeGreaterThan(0);
    const first = fresh[0] as number;
    expect(first).toBeGreaterThan(0);
    expect(fresh).toEqual(Array.from({ length: TOTAL - first }, (_, i) => first + i));
  });
});

describe('fault: config edited to be invalid, then reread', () => {
  it('reloadConfig answers CANT_REREAD naming file:line; running programs are untouched', async () => {
    const programs = `[program:a]\ncommand=sleep 1000\nstartsecs=0\n\n[program:b]\ncommand=sleep 1000\nstartsecs=0\n`;
    const { conf, d } = await boot(programs, 'reread');
    await eventually(
      async () =>
        (await info(d, 'a')).statename === 'RUNNING' &&
        (await info(d, 'b')).statename === 'RUNNING',
      'a and b RUNNING',
    );
    const before = [(await info(d, 'a')).pid, (await info(d, 'b')).pid];
    const good = fs.readFileSync(conf, 'utf8');
    const lines = good.split('\n');
    const bad = good.replace(
      '[program:b]\ncommand=sleep 1000\nstartsecs=0',
      '[program:b]\ncommand=sleep 1000\nstartsecs=abc',
    );
    expect(bad).not.toBe(good);
    const badLine = bad.split('\n').indexOf('startsecs=abc') + 1;
    expect(lines.length).toBeGreaterThan(badLine);
    fs.writeFileSync(conf, bad);
    const err = await d.client.call('supervisor.reloadConfig').then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(XmlRpcFault);
    const fault = err as XmlRpcFault;
    expect(fault.faultCode).toBe(92); // CANT_REREAD
    expect(fault.faultString).toContain(`${path.basename(conf)}:${badLine}`);
    expect(fault.faultString).toMatch(/startsecs/);
    // nothing was stopped, restarted or removed
    expect([(await info(d, 'a')).pid, (await info(d, 'b')).pid]).toEqual(before);
    expect((await info(d, 'a')).statename).toBe('RUNNING');
    expect((await info(d, 'b')).statename).toBe('RUNNING');
    // fixed again: the reread succeeds and reports no change
    fs.writeFileSync(conf, good);
    const diff = (await d.client.call('supervisor.reloadConfig')) as unknown as string[][][];
    expect(diff).toEqual([[[], [], []]]);
    expect(alive(before[0] as number) && alive(before[1] as number)).toBe(true);
  });
});

describe('fault: paddockd SIGKILLed, then started again on the same config', () => {
  // B7-2 (fixed in 74bd82f): paddockd used to start a second copy of every service after a
  // SIGKILL; it now records its children and stops the old run's before starting.
  it('the orphans of the first run are detected and no service runs twice', async () => {
    const programs = ['s1', 's2', 's3']
      .map((n) => `[program:${n}]\ncommand=sleep 1000\nstartsecs=0\n`)
      .join('\n');
    const { dir, tag, conf, d } = await boot(programs, 'crash');
    const firstPids: number[] = [];
    for (const n of ['s1', 's2', 's3']) {
      await eventually(async () => (await info(d, n)).statename === 'RUNNING', `${n} RUNNING`);
      firstPids.push((await info(d, n)).pid);
    }
    d.proc.kill('SIGKILL');
    await d.exited;
    // the children survive their daemon (each leads its own session)
    expect(firstPids.every(alive)).toBe(true);
    const d2 = await runPaddockd(conf, path.join(dir, 'rpc.sock'), tag);
    cleanups.push(() => d2.stop());
    for (const n of ['s1', 's2', 's3'])
      await eventually(
        async () => (await info(d2, n)).statename === 'RUNNING',
        `${n} RUNNING again`,
      );
    // each service is running exactly once (by SUPERVISOR_PROCESS_NAME among live processes)
    await eventually(
      () => {
        const byName = new Map<string, number>();
        for (const p of tagged(tag)) if (p.name) byName.set(p.name, (byName.get(p.name) ?? 0) + 1);
        return ['s1', 's2', 's3'].every((n) => byName.get(n) === 1);
      },
      'each service to run exactly once',
      5000,
    );
  });
});
