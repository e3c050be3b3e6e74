import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ChildRegistry,
  findOrphans,
  parseProcStat,
  readProcStat,
  reapOrphans,
} from '../../../main/engine/process/orphans.js';

const isLinux = process.platform === 'linux';
let dir: string;
const children: ChildProcess[] = [];

/** A detached child (own process group, like the engine's) that prints "ready" once it can take signals. */
async function child(ignoreTerm = false): Promise<ChildProcess> {
  const code = `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1e6); console.log('ready');`;
  const c = spawn(process.execPath, ['-e', code], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  children.push(c);
  await once(c.stdout!, 'data');
  return c;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'paddock-orphans-'));
});
afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
  await rm(dir, { recursive: true, force: true });
});

describe('parseProcStat', () => {
  it('handles a command name with spaces and parentheses', () => {
    const line =
      '4242 (my (weird) prog) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10';
    expect(parseProcStat(line)).toEqual({
      pid: 4242,
      state: 'S',
      ppid: 1,
      pgrp: 4242,
      startTime: '987654',
    });
    expect(parseProcStat('garbage')).toBeNull();
  });
});

describe.skipIf(!isLinux)('orphans of a crashed run (real processes, /proc)', () => {
  it('records children, then finds and reaps the survivors on the next start', async () => {
    const a = await child();
    const b = await child(true); // ignores SIGTERM: must be KILLed
    const file = join(dir, 'children.json');

    // Run 1 records its children, then "crashes" (we simply drop the registry).
    const run1 = new ChildRegistry(file);
    await run1.sync([
      { pid: a.pid!, namespec: 'web' },
      { pid: b.pid!, namespec: 'workers:w0' },
    ]);
    const onDisk = JSON.parse(await readFile(file, 'utf8')) as { children: { pid: number }[] };
    expect(onDisk.children.map((c) => c.pid).sort()).toEqual([a.pid, b.pid].sort());

    // Run 2.
    const run2 = new ChildRegistry(file);
    const previous = await run2.loadPrevious();
    const orphans = await findOrphans(previous);
    expect(orphans.map((o) => o.namespec).sort()).toEqual(['web', 'workers:w0']);

    const aExit = once(a, 'exit');
    const bExit = once(b, 'exit');
    const reports = await reapOrphans(orphans, { graceMs: 1500 });
    expect(Object.fromEntries(reports.map((r) => [r.namespec, r.outcome]))).toEqual({
      web: 'terminated',
      'workers:w0': 'killed',
    });
    expect((await aExit)[1]).toBe('SIGTERM');
    expect((await bExit)[1]).toBe('SIGKILL');
    expect(await readProcStat(a.pid!)).toBeNull();
  });

  it('leaves alone a reused pid (different start time) and ignores dead pids', async () => {
    const c = await child();
    const stat = await readProcStat(c.pid!);
    expect(stat).not.toBeNull();
    const records = [
      { pid: c.pid!, namespec: 'reused', startTime: String(Number(stat!.startTime) + 1) },
      { pid: 2 ** 22 + 12345, namespec: 'dead', startTime: '1' },
    ];
    expect(await findOrphans(records)).toEqual([]);
    expect(c.exitCode).toBeNull();
    expect(c.signalCode).toBeNull();
  });

  it('forgets children that are no longer live, and drops invalid records from the file', async () => {
    const c = await child();
    const file = join(dir, 'children.json');
    const reg = new ChildRegistry(file);
    await reg.sync([
      { pid: c.pid!, namespec: 'web' },
      { pid: 0, namespec: 'stopped' },
    ]);
    expect(reg.records().map((r) => r.namespec)).toEqual(['web']);
    await reg.sync([]);
    expect(await new ChildRegistry(file).loadPrevious()).toEqual([]);
    const { writeFile } = await import('node:fs/promises');
    await writeFile(
      file,
      JSON.stringify({ children: [{ pid: 1, startTime: '5', namespec: 'init' }, { pid: 'x' }] }),
    );
    expect(await new ChildRegistry(file).loadPrevious()).toEqual([]);
    await writeFile(file, '{not json');
    expect(await new ChildRegistry(file).loadPrevious()).toEqual([]);
  });
});
