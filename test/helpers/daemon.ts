/** Run `paddockd` (or the real supervisord) as a real child process on a temp config. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { RpcClient } from '../../main/engine/rpc/client.js';
import { eventually } from './engine.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const PADDOCKD = path.join(ROOT, 'bin/paddockd.js');
export const SUPERVISORD = '/usr/bin/supervisord';

/** Whether Debian's supervisord is installed with its Python modules. */
export function haveRealSupervisord(): boolean {
  if (!fs.existsSync(SUPERVISORD)) return false;
  return (
    spawnSync('/usr/bin/python3', ['-c', 'import supervisor'], { stdio: 'ignore' }).status === 0
  );
}

export interface RunningDaemon {
  proc: ChildProcess;
  client: RpcClient;
  socket: string;
  output: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Header for a test config: logs, pidfile and socket in `dir`. */
export function confHeader(dir: string, extra = ''): string {
  return `[supervisord]
logfile=${dir}/daemon.log
pidfile=${dir}/daemon.pid
childlogdir=${dir}
loglevel=info
${extra}
[unix_http_server]
file=${dir}/rpc.sock

[supervisorctl]
serverurl=unix://${dir}/rpc.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
`;
}

/** Start a daemon in the foreground and wait until its socket answers getState. */
export async function startDaemon(
  kind: 'paddockd' | 'supervisord',
  confFile: string,
  socket: string,
  extraArgs: string[] = [],
): Promise<RunningDaemon> {
  const [cmd, args] =
    kind === 'paddockd'
      ? [process.execPath, [PADDOCKD, '-n', '-c', confFile, ...extraArgs]]
      : [SUPERVISORD, ['-n', '-c', confFile, ...extraArgs]];
  const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.dirname(confFile) });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const client = new RpcClient({ serverurl: `unix://${socket}`, timeoutMs: 30_000 });
  await eventually(async () => {
    if (gone) throw new Error(`${kind} exited early:\n${out}`);
    try {
      return (await client.call('supervisor.getState')) !== undefined;
    } catch {
      return false;
    }
  }, `${kind} socket`);
  return {
    proc,
    client,
    socket,
    output: () => out,
    exited,
    async stop() {
      if (!gone) proc.kill('SIGTERM');
      return exited;
    },
  };
}
