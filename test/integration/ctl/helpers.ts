import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { run } from '../../../main/engine/cli/paddockctl.js';

export const SUPERVISORD = '/usr/bin/supervisord';
export const SUPERVISORCTL = '/usr/bin/supervisorctl';
export const HAVE_SUPERVISOR = existsSync(SUPERVISORD) && existsSync(SUPERVISORCTL);

export interface CtlResult {
  code: number;
  out: string;
}

/** Debian's real supervisorctl. */
export function supervisorctl(conf: string, args: string[], input = ''): Promise<CtlResult> {
  return new Promise((resolve) => {
    const child = execFile(
      SUPERVISORCTL,
      ['-c', conf, ...args],
      { env: { ...process.env, LANG: 'C.UTF-8', PYTHONIOENCODING: 'utf-8' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        const code = err ? ((err as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === 'number' ? code : 1, out: stdout + stderr });
      },
    );
    child.stdin?.end(input);
  });
}

/** paddockctl, in-process. */
export async function paddockctl(conf: string, args: string[], input = ''): Promise<CtlResult> {
  let out = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString('utf8');
      cb();
    },
  });
  const stdin = new PassThrough();
  stdin.end(input);
  const code = await run(['-c', conf, ...args], { stdin, stdout: sink, stderr: sink });
  return { code, out };
}

/** Mask what differs between two runs: pids, uptimes, stop times. */
export function normalize(s: string): string {
  return s
    .replace(/pid \d+, uptime \d+:\d\d:\d\d/g, 'pid N, uptime T')
    .replace(/[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M/g, 'DATE')
    .replace(/^\d+$/gm, 'PID');
}

export interface Daemon {
  dir: string;
  conf: string;
  sock: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Start a daemon (`argv` with `-c conf` appended) and wait until its socket answers. */
export async function startDaemon(
  cmd: string,
  argv: string[],
  dir: string,
  confText: string,
  ready: (conf: string) => Promise<boolean>,
): Promise<Daemon> {
  const conf = join(dir, 'supervisord.conf');
  writeFileSync(conf, confText);
  const child = spawn(cmd, [...argv, '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${cmd} exited: ${stderr}`);
    if (await ready(conf).catch(() => false)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${cmd} did not come up: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    dir,
    conf,
    sock: join(dir, 's.sock'),
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function baseConf(dir: string, programs: string): string {
  return `[unix_http_server]
file=${dir}/s.sock

[supervisord]
logfile=${dir}/supervisord.log
pidfile=${dir}/supervisord.pid
childlogdir=${dir}
nodaemon=true
loglevel=info

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://${dir}/s.sock

${programs}
`;
}

export const PROGRAMS = `[program:cat]
command=/bin/cat
startsecs=0

[program:sleeper]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:echoer]
command=/bin/sh -c 'echo hello out; echo hello err >&2; exec /bin/sleep 1000'
startsecs=0

[program:a]
command=/bin/sleep 1000
startsecs=0

[program:b]
command=/bin/sleep 1000
startsecs=0
autostart=false

[group:grp]
programs=a,b
priority=5
`;
