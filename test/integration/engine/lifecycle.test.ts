import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import type { Supervisor } from '../../../main/engine/supervisor.js';
import { alive, config, group, nodeCmd, program, tempDir } from '../../helpers/config.js';
import { systemClock } from '../../../main/engine/process/clock.js';
import { logContains, startSupervisor } from '../../helpers/engine.js';

const running: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.shutdownAndWait()));
});

async function boot(groups: Parameters<typeof config>[1], over: Parameters<typeof config>[2] = {}) {
  const dir = tempDir();
  const r = await startSupervisor(config(dir, groups, over));
  running.push(r.sup);
  return { ...r, dir };
}

describe('process lifecycle with real children', () => {
  it('STOPPED → STARTING → RUNNING after startsecs, with the SUPERVISOR_* environment', async () => {
    const { sup, rec } = await boot([
      group('web', [program('web', nodeCmd('forever.js'), { startsecs: 0 })]),
    ]);
    await rec.untilState('web', 'RUNNING');
    expect(rec.path('web')).toEqual(['STOPPED>STARTING', 'STARTING>RUNNING']);
    const info = sup.getProcessInfo('web');
    expect(info.pid).toBeGreaterThan(0);
    expect(info.description).toMatch(/^pid \d+, uptime 0:00:0\d$/);
    expect(await logContains(sup, 'web', '\n')).toBe(`forever ${info.pid} web\n`);
  });

  it('a crash loop reaches FATAL after exactly 1 + startretries spawns with growing delays', async () => {
    const { sup, rec } = await boot([
      group('crash', [
        program('crash', nodeCmd('exit-code.js', 3), { startsecs: 1, startretries: 2 }),
      ]),
    ]);
    await rec.untilState('crash', 'FATAL', 30_000);
    const starts = rec.transitions.filter((t) => t.name === 'crash' && t.to === 10);
    expect(starts).toHaveLength(3);
    const backoffs = rec.transitions.filter((t) => t.name === 'crash' && t.to === 30);
    expect(backoffs.map((t) => t.tries)).toEqual([1, 2, 3]);
    // BACKOFF n waits n seconds before the next spawn.
    const gap1 = (starts[1]?.at ?? 0) - (backoffs[0]?.at ?? 0);
    const gap2 = (starts[2]?.at ?? 0) - (backoffs[1]?.at ?? 0);
    expect(gap1).toBeGreaterThanOrEqual(1000);
    expect(gap2).toBeGreaterThanOrEqual(2000);
    expect(sup.getProcessInfo('crash').spawnerr).toBe(
      'Exited too quickly (process log may have details)',
    );
    expect(sup.getProcessInfo('crash').description).toBe(
      'Exited too quickly (process log may have details)',
    );
  });

  it("a command that does not exist goes BACKOFF → FATAL with supervisord's spawnerr", async () => {
    const { sup, rec } = await boot([
      group('nope', [program('nope', 'no-such-command-xyz --flag', { startretries: 1 })]),
    ]);
    await rec.untilState('nope', 'FATAL');
    expect(rec.path('nope')).toEqual([
      'STOPPED>STARTING',
      'STARTING>BACKOFF',
      'BACKOFF>STARTING',
      'STARTING>BACKOFF',
      'BACKOFF>FATAL',
    ]);
    expect(sup.getProcessInfo('nope').spawnerr).toBe("can't find command 'no-such-command-xyz'");
  });

  it("a missing directory makes the child fail with exit 127 and supervisord's message in its log", async () => {
    const { sup, rec } = await boot([
      group('cd', [
        program('cd', nodeCmd('forever.js'), {
          directory: '/nonexistent-dir-xyz',
          startretries: 0,
        }),
      ]),
    ]);
    await rec.untilState('cd', 'FATAL');
    await sup.flushLogs();
    const log = fs.readFileSync(sup.getProcessInfo('cd').stderr_logfile, 'utf8');
    expect(log).toContain(
      "supervisor: couldn't chdir to /nonexistent-dir-xyz: ENOENT\nsupervisor: child process was not spawned\n",
    );
  });

  it('a TERM-ignoring child is killed with SIGKILL after stopwaitsecs', async () => {
    const { sup, rec } = await boot([
      group('stubborn', [
        program('stubborn', nodeCmd('ignore-sigterm.js'), { startsecs: 0, stopwaitsecs: 1 }),
      ]),
    ]);
    await rec.untilState('stubborn', 'RUNNING');
    await logContains(sup, 'stubborn', 'ready');
    const pid = sup.getProcessInfo('stubborn').pid;
    const t0 = Date.now();
    await sup.stopProcess('stubborn', true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    expect(sup.getProcessInfo('stubborn').statename).toBe('STOPPED');
    expect(sup.getProcessInfo('stubborn').exitstatus).toBe(-1);
    expect(alive(pid)).toBe(false);
  });

  it('stopasgroup stops the grandchild with the group', async () => {
    const { sup, rec } = await boot([
      group('tree', [
        program('tree', nodeCmd('grandchild.js'), {
          startsecs: 0,
          stopasgroup: true,
          killasgroup: true,
        }),
      ]),
    ]);
    await rec.untilState('tree', 'RUNNING');
    const gc = Number(
      /grandchild (\d+)/.exec(await logContains(sup, 'tree', /grandchild \d+/))?.[1],
    );
    expect(gc).toBeGreaterThan(0);
    expect(alive(gc)).toBe(true);
    await sup.stopProcess('tree', true);
    const deadline = Date.now() + 5000;
    while (alive(gc) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(alive(gc)).toBe(false);
  });

  it('autorestart after a crash from RUNNING is immediate; a crash loop is paced at one spawn per second', async () => {
    const { rec } = await boot([
      group('once', [
        program('once', nodeCmd('exit-code.js', 1, 1200), { startsecs: 1, autorestart: true }),
      ]),
      group('loop', [
        program('loop', nodeCmd('exit-code.js', 1), { startsecs: 0, autorestart: true }),
      ]),
    ]);
    await rec.until(
      () => rec.transitions.filter((t) => t.name === 'once' && t.to === 10).length >= 2,
      'once restarted',
    );
    const exited = rec.transitions.find((t) => t.name === 'once' && t.to === 100);
    const restarted = rec.transitions.filter((t) => t.name === 'once' && t.to === 10)[1];
    expect(exited).toBeDefined();
    // Restarted as soon as the exit is seen (no 1 s loop tick): far below a second even when loaded.
    expect((restarted?.at ?? 0) - (exited?.at ?? 0)).toBeLessThan(500);

    await rec.until(
      () => rec.transitions.filter((t) => t.name === 'loop' && t.to === 10).length >= 4,
      'loop spawned 4 times',
    );
    const starts = rec.transitions.filter((t) => t.name === 'loop' && t.to === 10).map((t) => t.at);
    for (let i = 1; i < starts.length; i++)
      expect((starts[i] ?? 0) - (starts[i - 1] ?? 0)).toBeGreaterThanOrEqual(995);
  });

  it('shutdown stops groups one priority level at a time, highest priority number first', async () => {
    const { sup, rec } = await boot([
      group('db', [program('db', nodeCmd('forever.js'), { startsecs: 0 })], 10),
      group('api', [program('api', nodeCmd('forever.js'), { startsecs: 0 })], 20),
      group('web', [program('web', nodeCmd('forever.js'), { startsecs: 0 })], 20),
    ]);
    await rec.until(
      () => ['db', 'api', 'web'].every((n) => rec.state(n) === 'RUNNING'),
      'all running',
    );
    running.splice(running.indexOf(sup), 1);
    await sup.shutdownAndWait();
    const order = rec.transitions
      .filter((t) => t.to === 40 || t.to === 0)
      .map((t) => `${t.name}:${t.to}`);
    const dbStopping = order.indexOf('db:40');
    expect(order.indexOf('api:0')).toBeLessThan(dbStopping);
    expect(order.indexOf('web:0')).toBeLessThan(dbStopping);
    // api and web (equal priority) were both signalled before either stopped
    expect(Math.max(order.indexOf('api:40'), order.indexOf('web:40'))).toBeLessThan(
      Math.min(order.indexOf('api:0'), order.indexOf('web:0')),
    );
  });

  it('an exit with an expected code before startsecs is still a failure (BACKOFF)', async () => {
    const { rec } = await boot([
      group('quick', [
        program('quick', nodeCmd('exit-code.js', 0), { startsecs: 5, startretries: 0 }),
      ]),
    ]);
    await rec.untilState('quick', 'FATAL');
    expect(rec.path('quick')).toEqual(['STOPPED>STARTING', 'STARTING>BACKOFF', 'BACKOFF>FATAL']);
  });

  it('an expected exit from RUNNING is EXITED and not restarted with autorestart=unexpected', async () => {
    const { sup, rec } = await boot([
      group('job', [program('job', nodeCmd('exit-code.js', 0, 300), { startsecs: 0 })]),
    ]);
    await rec.untilState('job', 'EXITED');
    expect(rec.path('job')).toEqual(['STOPPED>STARTING', 'STARTING>RUNNING', 'RUNNING>EXITED']);
    expect(rec.transitions.at(-1)?.expected).toBe(true);
    expect(sup.getProcessInfo('job').exitstatus).toBe(0);
  });

  it("writes the activity log in supervisord's format", async () => {
    const { sup, rec, dir } = await boot([
      group('w', [program('w', nodeCmd('forever.js'), { startsecs: 0 })]),
    ]);
    await rec.untilState('w', 'RUNNING');
    await sup.flushLogs();
    const log = fs.readFileSync(path.join(dir, 'supervisord.log'), 'utf8');
    expect(log).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO spawned: 'w' with pid \d+$/m);
    expect(log).toMatch(
      /INFO success: w entered RUNNING state, process has stayed up for > than 0 seconds \(startsecs\)/,
    );
  });
});

describe('child environment', () => {
  it('layers daemon env, SUPERVISOR_*, [supervisord] environment, then the program environment', async () => {
    const cmd = `${process.execPath} -e "const e=process.env;console.log([e.SUPERVISOR_ENABLED,e.SUPERVISOR_PROCESS_NAME,e.SUPERVISOR_GROUP_NAME,e.GLOBAL_ONLY,e.BOTH,e.HOME===undefined?'nohome':'home'].join(' '));setInterval(()=>{},1e9)"`;
    const dir = tempDir();
    const { sup, rec } = await startSupervisor(
      config(
        dir,
        [group('grp', [program('envy', cmd, { startsecs: 0, environment: { BOTH: 'program' } })])],
        {
          environment: { GLOBAL_ONLY: 'global', BOTH: 'global' },
        },
      ),
    );
    running.push(sup);
    await rec.untilState('grp:envy', 'RUNNING');
    expect(await logContains(sup, 'grp:envy', '\n')).toBe(
      `1 envy grp global program ${process.env.HOME === undefined ? 'nohome' : 'home'}\n`,
    );
  });

  it('looks the command up on the PATH of the configured environment', async () => {
    const dir = tempDir();
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'my-tool'), `#!/bin/sh\necho from-my-tool\nexec sleep 1000\n`, {
      mode: 0o755,
    });
    const { sup, rec } = await startSupervisor(
      config(dir, [group('t', [program('t', 'my-tool', { startsecs: 0 })])], {
        environment: { PATH: `${bin}:/usr/bin:/bin` },
      }),
    );
    running.push(sup);
    await rec.untilState('t', 'RUNNING');
    expect(await logContains(sup, 't', 'from-my-tool')).toBe('from-my-tool\n');
  });
});

describe('shutdown with a process in BACKOFF waiting for a later priority level', () => {
  it('does not spin on its retry timer while higher priority levels stop', async () => {
    const dir = tempDir();
    let timers = 0;
    const clock = {
      ...systemClock,
      setTimeout: (fn: () => void, ms: number) => (timers++, systemClock.setTimeout(fn, ms)),
    };
    const { sup, rec } = await startSupervisor(
      config(dir, [
        // stopped last (lowest priority number): it sits in BACKOFF while 'slow' stops
        group(
          'flaky',
          [program('flaky', nodeCmd('exit-code.js', 1), { startsecs: 1, startretries: 100 })],
          1,
        ),
        group(
          'slow',
          [program('slow', nodeCmd('ignore-sigterm.js'), { startsecs: 0, stopwaitsecs: 3 })],
          50,
        ),
      ]),
      { clock },
    );
    await rec.untilState('slow', 'RUNNING');
    // Shut down right as flaky enters BACKOFF: its 1 s retry delay passes while 'slow' takes 3 s.
    await rec.until(() => rec.state('flaky') === 'BACKOFF', 'flaky in BACKOFF');
    timers = 0;
    await sup.shutdownAndWait();
    // A handful of timers (stop reports, the SIGKILL escalation); a spinning retry timer makes thousands.
    expect(timers).toBeLessThan(100);
    expect(rec.path('flaky').at(-1)).toBe('BACKOFF>FATAL');
  });
});
