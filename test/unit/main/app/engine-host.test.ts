import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineHost } from '../../../../main/app/engine-host.js';
import { readProcStat } from '../../../../main/engine/process/orphans.js';
import { nodeCmd, tempDir } from '../../../helpers/config.js';

let dir: string;
let hosts: EngineHost[] = [];

beforeEach(() => {
  dir = tempDir('paddock-host-');
  mkdirSync(join(dir, 'logs'));
});
afterEach(async () => {
  for (const h of hosts) await h.shutdown();
  hosts = [];
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(programs: string): string {
  const file = join(dir, 'supervisord.conf');
  writeFileSync(
    file,
    `[supervisord]\nlogfile=%(here)s/logs/supervisord.log\nchildlogdir=%(here)s/logs\n\n${programs}`,
  );
  return file;
}

const forever = (name: string) =>
  `[program:${name}]\ncommand=${nodeCmd('forever.js')}\nstartsecs=0\nstopwaitsecs=5\n\n`;

async function start(configPath: string): Promise<EngineHost> {
  const h = await EngineHost.start({
    configPath,
    stateFile: join(dir, 'children.json'),
    fallbackLogDir: join(dir, 'logs'),
    reapGraceMs: 3000,
    recordDebounceMs: 10,
  });
  hosts.push(h);
  return h;
}

async function until(pred: () => boolean, what: string): Promise<void> {
  await expect.poll(pred, { timeout: 20_000, message: what }).toBe(true);
}

describe('EngineHost', () => {
  it('a broken config is reported, not fatal; Reload config after the fix starts the programs', async () => {
    const file = writeConfig('[program:web]\ncommand=/bin/true\nnumprocs=abc\n');
    const h = await start(file);
    expect(h.fallback).toBe(true);
    expect(h.configError).toMatch(/supervisord\.conf/);
    expect(h.sup.getAllProcessInfo()).toEqual([]);
    let changes = 0;
    h.onChange(() => changes++);

    // Still broken: reload says so and keeps running.
    expect(await h.reload()).toMatchObject({ ok: false });

    writeConfig(forever('web'));
    expect(await h.reload()).toEqual({ ok: true, restarted: true, result: null });
    expect(h.configError).toBeNull();
    expect(changes).toBeGreaterThan(0);
    await until(() => h.sup.getProcessInfo('web').statename === 'RUNNING', 'web RUNNING');
  });

  it('a missing config file is a config error too', async () => {
    const h = await start(join(dir, 'nope.conf'));
    expect(h.configError).toMatch(/could not find config file/);
  });

  it('Reload config applies an update: added programs start, removed ones stop', async () => {
    const file = writeConfig(forever('a'));
    const h = await start(file);
    await until(() => h.sup.getProcessInfo('a').statename === 'RUNNING', 'a RUNNING');
    writeConfig(forever('b'));
    const r = await h.reload();
    expect(r).toMatchObject({
      ok: true,
      restarted: false,
      result: { diff: { added: ['b'], removed: ['a'] } },
    });
    await until(() => h.sup.getProcessInfo('b').statename === 'RUNNING', 'b RUNNING');
    expect(() => h.sup.getProcessInfo('a')).toThrow(/BAD_NAME/);
    writeFileSync(file, '[program:x]\nnumprocs=abc\n');
    const bad = await h.reload();
    expect(bad).toMatchObject({ ok: false });
    expect(h.configError).not.toBeNull();
    expect(h.sup.getProcessInfo('b').statename).toBe('RUNNING');
  });

  it('records live children and clears the record on orderly shutdown', async () => {
    const h = await start(writeConfig(forever('web')));
    await until(() => h.sup.getProcessInfo('web').statename === 'RUNNING', 'web RUNNING');
    const pid = h.sup.getProcessInfo('web').pid;
    await h.recordChildren();
    const rec = JSON.parse(readFileSync(join(dir, 'children.json'), 'utf8')) as {
      children: { pid: number }[];
    };
    expect(rec.children.map((c) => c.pid)).toEqual([pid]);
    await h.shutdown();
    hosts = [];
    expect(await readProcStat(pid)).toBeNull();
    expect(JSON.parse(readFileSync(join(dir, 'children.json'), 'utf8'))).toMatchObject({
      children: [],
    });
  });

  it.skipIf(process.platform !== 'linux')(
    'after a crash (SIGKILL), the next start reaps the orphans and runs each service once',
    async () => {
      // The driver is ESM (top-level await) and imports packages: write it next to node_modules.
      const mjs = join(
        process.cwd(),
        'node_modules',
        '.cache',
        `paddock-host-driver-${process.pid}.mjs`,
      );
      mkdirSync(join(process.cwd(), 'node_modules', '.cache'), { recursive: true });
      await build({
        entryPoints: [join(import.meta.dirname, 'host-driver.ts')],
        outfile: mjs,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        packages: 'external',
        logLevel: 'error',
      });
      const file = writeConfig(forever('web') + forever('api'));
      const child = spawn(
        process.execPath,
        [mjs, file, join(dir, 'children.json'), join(dir, 'logs')],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      try {
        const [line] = (await once(child.stdout!, 'data')) as [Buffer];
        const oldPids = JSON.parse(line.toString()) as number[];
        expect(oldPids).toHaveLength(2);
        child.kill('SIGKILL');
        await once(child, 'exit');
        // The children survived their supervisor (own process groups).
        for (const pid of oldPids) expect(await readProcStat(pid)).not.toBeNull();

        const h = await start(file);
        expect(h.orphans.map((o) => [o.namespec, o.outcome]).sort()).toEqual([
          ['api', 'terminated'],
          ['web', 'terminated'],
        ]);
        for (const pid of oldPids) expect(await readProcStat(pid)).toBeNull();
        await until(
          () => h.sup.getAllProcessInfo().every((p) => p.statename === 'RUNNING'),
          'services running again',
        );
        const newPids = h.sup.getAllProcessInfo().map((p) => p.pid);
        expect(newPids.some((p) => oldPids.includes(p))).toBe(false);
      } finally {
        child.kill('SIGKILL');
        rmSync(mjs, { force: true });
      }
    },
  );
});
