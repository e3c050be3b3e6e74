import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { alive, nodeCmd, tempDir } from '../../helpers/config.js';
import {
  confHeader,
  PADDOCKD,
  ROOT,
  type RunningDaemon,
  startDaemon,
} from '../../helpers/daemon.js';
import { eventually } from '../../helpers/engine.js';

interface Info {
  name: string;
  group: string;
  statename: string;
  pid: number;
}

const daemons: RunningDaemon[] = [];
afterEach(async () => {
  await Promise.all(daemons.splice(0).map((d) => d.stop()));
});

function run(args: string[], cwd = ROOT) {
  return spawnSync(process.execPath, [PADDOCKD, ...args], { cwd, encoding: 'utf8' });
}

describe('paddockd', () => {
  it('--check validates the bundled example and lists what it would run', () => {
    const r = run(['--check', '-c', 'examples/supervisord.conf']);
    expect(r.stderr).not.toContain('Error');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('static-site');
    expect(r.stdout).toContain('worker_01');
    const j = run(['--check', '--json', '-c', 'examples/supervisord.conf']);
    expect(j.status).toBe(0);
    const parsed = JSON.parse(j.stdout) as { ok: boolean };
    expect(parsed.ok).toBe(true);
  });

  it('refuses a bad config with one line per problem naming file, line, section and option', () => {
    const dir = tempDir();
    const conf = path.join(dir, 'bad.conf');
    fs.writeFileSync(conf, `${confHeader(dir)}\n[program:web]\ncommand=/bin/true\nstartsecs=abc\n`);
    const r = run(['-n', '-c', conf], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.conf:\d+ \[program:web\] startsecs: /);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    const c = run(['--check', '-c', conf], dir);
    expect(c.status).toBe(1);
  });

  it('rejects unknown options like supervisord, and prints its version', () => {
    const r = run(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('option --bogus not recognized');
    expect(run(['-v']).stdout.trim()).toBe('4.2.5');
  });

  it('SIGTERM stops every child before exiting, leaves none behind and removes its pidfile', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    fs.writeFileSync(
      conf,
      `${confHeader(dir)}
[program:a]
command=${nodeCmd('forever.js')}
startsecs=0
[program:b]
command=${nodeCmd('forever.js')}
process_name=b_%(process_num)d
numprocs=3
startsecs=0
`,
    );
    const d = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    const infos = await eventually(async () => {
      const all = (await d.client.call('supervisor.getAllProcessInfo')) as unknown as Info[];
      return all.every((i) => i.statename === 'RUNNING') && all.length === 4 ? all : null;
    }, 'all RUNNING');
    expect(fs.readFileSync(`${dir}/daemon.pid`, 'utf8').trim()).toBe(String(d.proc.pid));
    expect(await d.stop()).toBe(0);
    for (const i of infos) expect(alive(i.pid)).toBe(false);
    expect(fs.existsSync(`${dir}/daemon.pid`)).toBe(false);
  });

  it('SIGHUP re-reads the config and restarts with it; SIGUSR2 reopens the logs', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    const base = `${confHeader(dir)}
[program:a]
command=${nodeCmd('forever.js')}
startsecs=0
stdout_logfile=${dir}/a.log
`;
    fs.writeFileSync(conf, base);
    const d = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    daemons.push(d);
    await eventually(
      async () =>
        ((await d.client.call('supervisor.getProcessInfo', 'a')) as unknown as Info).statename ===
        'RUNNING',
      'a RUNNING',
    );
    fs.writeFileSync(conf, `${base}\n[program:b]\ncommand=${nodeCmd('forever.js')}\nstartsecs=0\n`);
    d.proc.kill('SIGHUP');
    await eventually(async () => {
      try {
        return (
          ((await d.client.call('supervisor.getProcessInfo', 'b')) as unknown as Info).statename ===
          'RUNNING'
        );
      } catch {
        return false;
      }
    }, 'b RUNNING after HUP');

    await eventually(
      () =>
        fs.existsSync(`${dir}/a.log`) &&
        fs.readFileSync(`${dir}/a.log`, 'utf8').includes('forever'),
      'a.log',
    );
    fs.renameSync(`${dir}/a.log`, `${dir}/a.log.moved`);
    d.proc.kill('SIGUSR2');
    await eventually(() => fs.existsSync(`${dir}/a.log`), 'a.log recreated after USR2');
    expect(d.output()).toContain('received SIGUSR2 indicating log reopen request');
  });

  it('daemonizes without -n: the command returns, the daemon runs, its pidfile names it', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    fs.writeFileSync(
      conf,
      `${confHeader(dir)}\n[program:a]\ncommand=${nodeCmd('forever.js')}\nstartsecs=0\n`,
    );
    const r = run(['-c', conf], dir);
    expect(r.status).toBe(0);
    const pid = Number(fs.readFileSync(`${dir}/daemon.pid`, 'utf8'));
    expect(alive(pid)).toBe(true);
    process.kill(pid, 'SIGTERM');
    await eventually(() => !alive(pid), 'daemon exit');
  });
});

describe('paddockd and [fcgi-program:x]', () => {
  it('refuses it with a clear error naming the section (no FastCGI socket passing)', () => {
    const dir = tempDir();
    const conf = path.join(dir, 'f.conf');
    fs.writeFileSync(
      conf,
      `${confHeader(dir)}\n[fcgi-program:php]\nsocket=tcp://127.0.0.1:9999\ncommand=/bin/cat\n`,
    );
    const r = run(['--check', '-c', conf], dir);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(
      /f\.conf:\d+ \[fcgi-program:php\]: fcgi-program sections are not supported/,
    );
  });
});

describe('paddockd after being killed with SIGKILL', () => {
  it('finds the children of the killed run on the next start, stops them, and runs each service once', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    fs.writeFileSync(
      conf,
      `${confHeader(dir)}\n[program:svc]\ncommand=${nodeCmd('forever.js')}\nprocess_name=svc_%(process_num)d\nnumprocs=2\nstartsecs=0\n`,
    );
    const first = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    const oldPids = await eventually(async () => {
      const all = (await first.client.call('supervisor.getAllProcessInfo')) as unknown as Info[];
      return all.every((i) => i.statename === 'RUNNING') ? all.map((i) => i.pid) : null;
    }, 'first run RUNNING');
    // Let each child print its line first: one that writes to the dead daemon's pipe dies of EPIPE.
    await eventually(
      () =>
        ['svc_0', 'svc_1'].every((n) =>
          fs
            .readdirSync(dir)
            .some(
              (f) =>
                f.startsWith(`${n}-stdout`) &&
                fs.readFileSync(path.join(dir, f), 'utf8').includes('forever'),
            ),
        ),
      'children printed',
    );
    first.proc.kill('SIGKILL');
    await first.exited;
    for (const p of oldPids) expect(alive(p)).toBe(true);

    const second = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    daemons.push(second);
    const newPids = await eventually(async () => {
      const all = (await second.client.call('supervisor.getAllProcessInfo')) as unknown as Info[];
      return all.every((i) => i.statename === 'RUNNING') ? all.map((i) => i.pid) : null;
    }, 'second run RUNNING');
    for (const p of oldPids) expect(alive(p)).toBe(false);
    expect(newPids.filter((p) => oldPids.includes(p))).toEqual([]);
    expect(second.output()).toMatch(/found 2 process\(es\) left running by a previous paddockd/);
  });

  it('refuses to start while another paddockd holds the same pidfile', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    fs.writeFileSync(
      conf,
      `${confHeader(dir)}\n[program:svc]\ncommand=${nodeCmd('forever.js')}\nstartsecs=0\n`,
    );
    const first = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    daemons.push(first);
    const r = run(['-n', '-c', conf], dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`another paddockd (pid ${first.proc.pid}) is already running`);
  });
});

describe('paddockd with no server configured', () => {
  it('keeps running after every child has exited, until it is told to stop', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    fs.writeFileSync(
      conf,
      `[supervisord]\nlogfile=${dir}/daemon.log\npidfile=${dir}/daemon.pid\nchildlogdir=${dir}\n[program:once]\ncommand=/bin/echo done\nstartsecs=0\nautorestart=false\n`,
    );
    const proc = spawn(process.execPath, [PADDOCKD, '-n', '-c', conf], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    let code: number | null | undefined;
    proc.on('exit', (c) => (code = c));
    await eventually(
      () => out.includes('exited: once (exit status 0; expected)'),
      'the child exited',
    );
    // Still alive and handling signals once nothing is left running:
    proc.kill('SIGUSR2');
    await eventually(() => out.includes('received SIGUSR2'), 'USR2 handled');
    expect(code).toBeUndefined();
    proc.kill('SIGTERM');
    await eventually(() => code !== undefined, 'exit after TERM');
    expect(code).toBe(0);
  });
});

describe('paddockd and SIGUSR1', () => {
  it('does not open the Node inspector (a local code-execution port) on SIGUSR1', async () => {
    const dir = tempDir();
    const conf = path.join(dir, 'd.conf');
    fs.writeFileSync(conf, `${confHeader(dir, 'loglevel=blather')}\n`);
    const d = await startDaemon('paddockd', conf, `${dir}/rpc.sock`);
    daemons.push(d);
    d.proc.kill('SIGUSR1');
    await eventually(
      () => d.output().includes('received SIGUSR1 indicating nothing'),
      'USR1 logged',
    );
    expect(d.output()).not.toContain('Debugger listening');
    expect(await d.client.call('supervisor.getState')).toEqual({
      statecode: 1,
      statename: 'RUNNING',
    });
  });
});
