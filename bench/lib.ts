/**
 * Bench plumbing: run paddockd or the real supervisord on a temp config, talk XML-RPC to it
 * over its unix socket, read its RSS/CPU from /proc, and clean up every process it started.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { RpcClient } from '../main/engine/rpc/client.js';
import type { XmlRpcValue } from '../main/engine/rpc/xmlrpc.js';

export type Kind = 'paddockd' | 'supervisord';
export const KINDS: readonly Kind[] = ['paddockd', 'supervisord'];

/** The repository root (this file runs from out/bench/). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PADDOCKD = path.join(ROOT, 'bin/paddockd.js');
export const SUPERVISORD = '/usr/bin/supervisord';
export const PROGRAMS = path.join(ROOT, 'bench/programs');
export const NODE = process.execPath;

/** Every process the bench starts carries this in its environment, so stragglers can be found. */
export const TAG_VAR = 'PADDOCK_BENCH_TAG';
export const TAG = `${process.pid}-${Date.now()}`;

export function haveSupervisord(): boolean {
  if (!fs.existsSync(SUPERVISORD)) return false;
  return (
    spawnSync('/usr/bin/python3', ['-c', 'import supervisor'], { stdio: 'ignore' }).status === 0
  );
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/** Poll `fn` every `everyMs` until it returns a truthy value, or throw after `timeoutMs`. */
export async function until<T>(
  fn: () => T | Promise<T>,
  what: string,
  timeoutMs: number,
  everyMs = 20,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Reject after `ms` (a scenario's hard bound). */
export function bounded<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: exceeded its ${ms} ms bound`)), ms);
    }),
  ]);
}

const TICK_MS = 1000 / 100; // CLK_TCK is 100 on Linux

/** utime+stime of a process in ms (from /proc/<pid>/stat), or NaN when it is gone. */
export function cpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return NaN;
  }
}

/** Resident set size in bytes (VmRSS from /proc/<pid>/status), or NaN. */
export function rssBytes(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Pids of live processes whose environment carries our tag (excluding this process). */
export function taggedPids(): number[] {
  const out: number[] = [];
  const needle = `${TAG_VAR}=${TAG}\0`;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    const pid = Number(d);
    if (pid === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/environ`, 'latin1').includes(needle)) out.push(pid);
    } catch {
      /* gone or not ours */
    }
  }
  return out;
}

/** SIGKILL every tagged process (daemons and children); returns how many were found. */
export function killStragglers(): number {
  const pids = taggedPids();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pids.length;
}

/** Parse a supervisord activity-log timestamp (`YYYY-MM-DD HH:MM:SS,mmm`, local time) to epoch ms. */
export function logTime(line: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d),(\d{3})/.exec(line);
  if (!m) return NaN;
  const [y, mo, d, h, mi, s, ms] = m.slice(1).map(Number) as number[];
  return new Date(y!, mo! - 1, d, h, mi, s, ms).getTime();
}

export interface Daemon {
  kind: Kind;
  dir: string;
  proc: ChildProcess;
  pid: number;
  client: RpcClient;
  logfile: string;
  /** Epoch ms at which the daemon was spawned. */
  spawnedAt: number;
  exited: Promise<number>;
  /** Epoch ms (performance-accurate) of the exit, once it happened. */
  exitedAt: number | null;
  call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue>;
  log(): string;
  stderr(): string;
}

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-bench-'));
}

/** A config for either daemon: activity log, pidfile, socket and AUTO child logs in `dir`. */
export function confText(dir: string, programs: string, extra = ''): string {
  return `[supervisord]
logfile=${dir}/daemon.log
logfile_maxbytes=0
pidfile=${dir}/daemon.pid
childlogdir=${dir}
loglevel=info
minfds=1024
${extra}
[unix_http_server]
file=${dir}/rpc.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

${programs}
`;
}

/** Start a daemon on `programs`; resolves once the socket file exists (not waiting for RPC). */
export function launch(kind: Kind, programs: string, extra = ''): Daemon {
  const dir = tempDir();
  const conf = path.join(dir, 'supervisord.conf');
  fs.writeFileSync(conf, confText(dir, programs, extra), { mode: 0o600 });
  const [cmd, args] =
    // paddockd runs as users run it: the bin script itself (its shebang sets the V8 flags).
    kind === 'paddockd' ? [PADDOCKD, ['-n', '-c', conf]] : [SUPERVISORD, ['-n', '-c', conf]];
  const spawnedAt = Date.now();
  const proc = spawn(cmd, args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, [TAG_VAR]: TAG },
  });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 20_000) stderr += d.toString();
  });
  const client = new RpcClient({ serverurl: `unix://${dir}/rpc.sock`, timeoutMs: 60_000 });
  const d: Daemon = {
    kind,
    dir,
    proc,
    pid: proc.pid ?? 0,
    client,
    logfile: path.join(dir, 'daemon.log'),
    spawnedAt,
    exitedAt: null,
    exited: new Promise<number>((resolve) =>
      proc.on('exit', (code, sig) => {
        d.exitedAt = Date.now();
        resolve(code ?? (sig ? 128 : 1));
      }),
    ),
    call: (method, ...params) => client.call(method, ...params),
    log: () => {
      try {
        return fs.readFileSync(path.join(dir, 'daemon.log'), 'utf8');
      } catch {
        return '';
      }
    },
    stderr: () => '',
  };
  d.stderr = () => stderr;
  return d;
}

/** Wait until the daemon answers `getState` with RUNNING. */
export async function ready(d: Daemon, timeoutMs = 30_000): Promise<void> {
  await until(
    async () => {
      if (d.exitedAt !== null)
        throw new Error(`${d.kind} exited early:\n${d.stderr()}${d.log().slice(-2000)}`);
      try {
        const s = (await d.call('supervisor.getState')) as { statename: string };
        return s.statename === 'RUNNING';
      } catch {
        return false;
      }
    },
    `${d.kind} to answer on its socket`,
    timeoutMs,
  );
}

/** Count log lines matching `re` and the latest timestamp among them. */
export function logMatches(
  d: Daemon,
  re: RegExp,
): { count: number; last: number; times: number[] } {
  const times: number[] = [];
  for (const line of d.log().split('\n')) if (re.test(line)) times.push(logTime(line));
  return { count: times.length, last: times.length ? Math.max(...times) : NaN, times };
}

/** SIGTERM the daemon, wait up to `graceMs`, then SIGKILL it and every tagged straggler. */
export async function teardown(d: Daemon, graceMs = 30_000): Promise<number> {
  d.client.close();
  if (d.exitedAt === null) {
    try {
      d.proc.kill('SIGTERM');
    } catch {
      /* gone */
    }
    await Promise.race([d.exited, sleep(graceMs)]);
  }
  if (d.exitedAt === null) d.proc.kill('SIGKILL');
  await Promise.race([d.exited, sleep(5000)]);
  const stragglers = killStragglers();
  fs.rmSync(d.dir, { recursive: true, force: true });
  return stragglers;
}

/**
 * A minimal keep-alive XML-RPC caller over a unix socket with a pre-serialised request, so
 * request-rate figures measure the daemon rather than the client. Reconnects when the server
 * closes the connection.
 */
export class RawRpc {
  private sock: net.Socket | null = null;
  private buf: Buffer = Buffer.alloc(0);
  private waiting: ((r: { status: number; body: Buffer } | Error) => void) | null = null;

  constructor(private readonly socketPath: string) {}

  static request(method: string): Buffer {
    const body = `<?xml version='1.0'?>\n<methodCall>\n<methodName>${method}</methodName>\n<params>\n</params>\n</methodCall>\n`;
    return Buffer.from(
      `POST /RPC2 HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  private connect(): net.Socket {
    const s = net.createConnection(this.socketPath);
    s.on('data', (d: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      this.tryParse();
    });
    const drop = (e?: Error) => {
      if (this.sock !== s) return; // an old connection closing late
      this.sock = null;
      this.tryParse(true);
      const w = this.waiting;
      this.waiting = null;
      w?.(e ?? new Error('connection closed'));
    };
    s.on('error', drop);
    s.on('close', () => drop());
    this.sock = s;
    this.buf = Buffer.alloc(0);
    return s;
  }

  private tryParse(closed = false): void {
    if (!this.waiting) return;
    const end = this.buf.indexOf('\r\n\r\n');
    if (end === -1) return;
    const head = this.buf.toString('latin1', 0, end);
    const status = Number(/^HTTP\/1\.\d (\d{3})/.exec(head)?.[1] ?? 0);
    const m = /\r\ncontent-length:\s*(\d+)/i.exec(head);
    let body: Buffer;
    if (m) {
      const len = Number(m[1]);
      if (this.buf.length < end + 4 + len) return;
      body = this.buf.subarray(end + 4, end + 4 + len);
      this.buf = this.buf.subarray(end + 4 + len);
    } else if (closed) {
      body = this.buf.subarray(end + 4);
      this.buf = Buffer.alloc(0);
    } else return;
    if (/\r\nconnection:\s*close/i.test(head) && this.sock) {
      this.sock.removeAllListeners('close');
      this.sock.destroy();
      this.sock = null;
    }
    const w = this.waiting;
    this.waiting = null;
    w({ status, body });
  }

  call(req: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      this.waiting = (r) => {
        if (r instanceof Error) reject(r);
        else if (r.status !== 200) reject(new Error(`HTTP ${r.status}`));
        else resolve(r.body);
      };
      (this.sock ?? this.connect()).write(req);
    });
  }

  close(): void {
    const s = this.sock;
    this.sock = null;
    s?.destroy();
  }
}
