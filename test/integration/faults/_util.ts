/** Shared plumbing for the fault-injection suite: tagged processes, seeded randomness, /proc. */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { RpcClient } from '../../../main/engine/rpc/client.js';
import { eventually } from '../../helpers/engine.js';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
export const PADDOCKD = path.join(ROOT, 'bin/paddockd.js');
export const FAULT_PROGRAMS = path.resolve(import.meta.dirname, '../../fixtures/faults');
export const TAG_VAR = 'PADDOCK_FAULT_TAG';

/** A unique tag; every process started under it carries `PADDOCK_FAULT_TAG=<tag>` in its environment. */
export function newTag(name: string): string {
  return `${name}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Environment for children (or a daemon) carrying `tag`. */
export function taggedEnv(tag: string): Record<string, string | undefined> {
  return { ...process.env, [TAG_VAR]: tag };
}

/** Mulberry32: a small seeded PRNG, so a failing run can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

import { alive } from '../../helpers/config.js';

export { alive };

export interface TaggedProc {
  pid: number;
  /** SUPERVISOR_PROCESS_NAME from its environment ('' for a daemon or a grandchild without it). */
  name: string;
  cmdline: string;
}

/** Live (non-zombie) processes carrying `tag`, excluding this test process. */
export function tagged(tag: string): TaggedProc[] {
  const needle = `${TAG_VAR}=${tag}\0`;
  const out: TaggedProc[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const env = fs.readFileSync(`/proc/${d}/environ`, 'latin1');
      if (!env.includes(needle) || !alive(Number(d))) continue;
      const name = /(?:^|\0)SUPERVISOR_PROCESS_NAME=([^\0]*)/.exec(env)?.[1] ?? '';
      const cmdline = fs.readFileSync(`/proc/${d}/cmdline`, 'latin1').replace(/\0/g, ' ').trim();
      out.push({ pid: Number(d), name, cmdline });
    } catch {
      /* gone, or not readable */
    }
  }
  return out;
}

/** SIGKILL every live process carrying `tag` (test clean-up). */
export function killTagged(tag: string): void {
  for (const p of tagged(tag)) {
    try {
      process.kill(p.pid, 'SIGKILL');
    } catch {
      /* gone */
    }
  }
}

export interface Paddockd {
  proc: ChildProcess;
  pid: number;
  client: RpcClient;
  output(): string;
  exited: Promise<number | null>;
  isGone(): boolean;
  /** SIGTERM and wait (bounded); SIGKILL if it does not go. */
  stop(): Promise<void>;
}

/** Run `paddockd -n -c conf` as a real process carrying `tag`; resolves once its socket answers. */
export async function runPaddockd(conf: string, socket: string, tag: string): Promise<Paddockd> {
  const proc = spawn(process.execPath, [PADDOCKD, '-n', '-c', conf], {
    cwd: path.dirname(conf),
    stdio: ['ignore', 'pipe', 'pipe'],
    env: taggedEnv(tag),
  });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  let gone = false;
  const exited = new Promise<number | null>((r) =>
    proc.on('exit', (code) => {
      gone = true;
      r(code);
    }),
  );
  const client = new RpcClient({ serverurl: `unix://${socket}`, timeoutMs: 20_000 });
  await eventually(async () => {
    if (gone) throw new Error(`paddockd exited early:\n${out}`);
    try {
      return (await client.call('supervisor.getState')) !== undefined;
    } catch {
      return false;
    }
  }, 'paddockd socket');
  return {
    proc,
    pid: proc.pid ?? 0,
    client,
    output: () => out,
    exited,
    isGone: () => gone,
    async stop() {
      client.close();
      if (gone) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(t);
    },
  };
}

/** A test config for paddockd: activity log, pidfile, socket and AUTO logs in `dir`. */
export function daemonConf(dir: string, programs: string): string {
  const conf = path.join(dir, 'supervisord.conf');
  fs.writeFileSync(
    conf,
    `[supervisord]
logfile=${dir}/daemon.log
pidfile=${dir}/daemon.pid
childlogdir=${dir}
loglevel=info

[unix_http_server]
file=${dir}/rpc.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

${programs}
`,
    { mode: 0o600 },
  );
  return conf;
}

export interface InfoLite {
  name: string;
  group: string;
  statename: string;
  pid: number;
}
