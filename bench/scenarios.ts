/**
 * The bench scenarios of issue 7. Each runs one repetition on one daemon kind, measures from
 * outside the daemon (XML-RPC over the unix socket, /proc, activity-log timestamps) and returns
 * named samples. Every daemon it starts is torn down (stragglers SIGKILLed) before it returns.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { readLogSlice } from '../main/engine/http/log-files.js';
import {
  bounded,
  cpuMs,
  type Daemon,
  type Kind,
  launch,
  logMatches,
  median,
  NODE,
  PROGRAMS,
  RawRpc,
  ready,
  rssBytes,
  sleep,
  teardown,
  tempDir,
  until,
} from './lib.js';

export interface Sizes {
  /** Programs for the start-up / RSS / idle / getAllProcessInfo scenarios (500). */
  many: number;
  /** Programs for the shutdown / stopProcessGroup scenarios (100). */
  group: number;
  /** Bytes pushed through stdout in the log-capture scenario (1 GiB). */
  logBytes: number;
  idleWindowMs: number;
  getStateWindowMs: number;
  crashes: number;
  logtailPings: number;
  groupStops: number;
}

export type Samples = Record<string, number[]>;

function push(s: Samples, key: string, v: number): void {
  (s[key] ??= []).push(v);
}

const RUNNING_RE = /entered RUNNING state/;

async function withDaemon<T>(
  kind: Kind,
  programs: string,
  boundMs: number,
  what: string,
  body: (d: Daemon) => Promise<T>,
): Promise<{ value: T; stragglers: number }> {
  const d = launch(kind, programs);
  let value: T | undefined;
  let error: unknown = null;
  try {
    value = await bounded(body(d), boundMs, `${what} on ${kind}`);
  } catch (e) {
    error = e;
  }
  // A failed body still cleans up; its error propagates after teardown.
  const stragglers = await teardown(d);
  if (error) throw error;
  return { value: value as T, stragglers };
}

function manyPrograms(n: number, startsecs: number): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    s += `[program:p${String(i).padStart(3, '0')}]\ncommand=sleep 1000\nstartsecs=${startsecs}\nautorestart=false\n\n`;
  }
  return s;
}

/**
 * 500 programs: daemon start → all RUNNING (from the last "entered RUNNING" log timestamp);
 * with startsecs=0 also RSS, idle CPU and getAllProcessInfo latency while they run.
 */
export async function startupScenario(
  kind: Kind,
  sz: Sizes,
  startsecs: 0 | 1,
  out: Samples,
): Promise<void> {
  const key = `start${sz.many}_s${startsecs}_ms`;
  const { stragglers } = await withDaemon(
    kind,
    manyPrograms(sz.many, startsecs),
    120_000,
    key,
    async (d) => {
      await until(
        () => {
          if (d.exitedAt !== null) throw new Error(`${kind} exited: ${d.stderr()}`);
          return logMatches(d, RUNNING_RE).count >= sz.many;
        },
        `${sz.many} RUNNING lines`,
        90_000,
        25,
      );
      push(out, key, logMatches(d, RUNNING_RE).last - d.spawnedAt);
      if (startsecs !== 0) return;
      await ready(d);
      await sleep(1500); // let start-up garbage settle before sampling
      push(out, 'rss_MiB', rssBytes(d.pid) / 1048576);
      const c0 = cpuMs(d.pid);
      const t0 = performance.now();
      await sleep(sz.idleWindowMs);
      push(out, 'idle_cpu_pct', ((cpuMs(d.pid) - c0) / (performance.now() - t0)) * 100);
      // Server latency: request out → last response byte in, on a keep-alive connection (no
      // client-side XML parsing, which is the client's cost, not the daemon's).
      const raw = new RawRpc(path.join(d.dir, 'rpc.sock'));
      const req = RawRpc.request('supervisor.getAllProcessInfo');
      const lat: number[] = [];
      try {
        for (let i = 0; i < 15; i++) {
          const s = performance.now();
          const body = await raw.call(req);
          lat.push(performance.now() - s);
          const n = body.toString('latin1').split('<name>statename</name>').length - 1;
          if (n !== sz.many) throw new Error(`getAllProcessInfo: ${n} entries`);
        }
      } finally {
        raw.close();
      }
      push(out, 'getAllProcessInfo_p50_ms', median(lat));
      // The same call through a full XML-RPC client (request + parse), for information.
      const parsed: number[] = [];
      for (let i = 0; i < 15; i++) {
        const s = performance.now();
        const all = (await d.call('supervisor.getAllProcessInfo')) as unknown[];
        parsed.push(performance.now() - s);
        if (all.length !== sz.many) throw new Error(`getAllProcessInfo: ${all.length} entries`);
      }
      push(out, 'getAllProcessInfo_parsed_p50_ms', median(parsed));
    },
  );
  push(out, 'stragglers', stragglers);
}

/** Small daemon: sequential getState/s, crash → respawn latency, crash-loop pacing, logtail latency. */
export async function smallScenario(kind: Kind, sz: Sizes, out: Samples): Promise<void> {
  const programs = `[program:crashy]
command=sleep 1000
startsecs=0
autorestart=true

[program:pinger]
command=${NODE} ${path.join(PROGRAMS, 'pinger.cjs')}
startsecs=0
stdout_logfile=%(here)s/pinger.log

[program:crashloop]
command=${NODE} ${path.join(PROGRAMS, 'crashloop.cjs')}
autostart=false
startsecs=0
autorestart=true
startretries=1000
`;
  const { stragglers } = await withDaemon(kind, programs, 120_000, 'small', async (d) => {
    await ready(d);
    await until(() => logMatches(d, RUNNING_RE).count >= 2, 'crashy+pinger RUNNING', 30_000);

    // getState, sequential, keep-alive connection
    {
      const raw = new RawRpc(path.join(d.dir, 'rpc.sock'));
      const req = RawRpc.request('supervisor.getState');
      try {
        const first = (await raw.call(req)).toString();
        if (!first.includes('RUNNING')) throw new Error(`getState answered ${first}`);
        let n = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < sz.getStateWindowMs) {
          await raw.call(req);
          n++;
        }
        push(out, 'getState_per_s', n / ((performance.now() - t0) / 1000));
        // one connection per request, as a fresh client does
        n = 0;
        const t1 = performance.now();
        while (performance.now() - t1 < sz.getStateWindowMs / 2) {
          raw.close();
          await raw.call(req);
          n++;
        }
        push(out, 'getState_newconn_per_s', n / ((performance.now() - t1) / 1000));
      } finally {
        raw.close();
      }
    }

    // crash of a long-running program: SIGKILL → next "spawned:" log line
    for (let i = 0; i < sz.crashes; i++) {
      const info = (await d.call('supervisor.getProcessInfo', 'crashy')) as {
        pid: number;
        start: number;
      };
      // Run past the 1 s restart pacing so this is a crash, not a crash loop (`start` is in
      // whole seconds: 2.2 s after it means more than 1.2 s of real uptime).
      await until(async () => Date.now() / 1000 - info.start > 2.2, 'crashy up > 1.2 s', 10_000);
      const before = logMatches(d, /spawned: 'crashy'/).count;
      const t0 = Date.now();
      process.kill(info.pid, 'SIGKILL');
      await until(
        () => logMatches(d, /spawned: 'crashy'/).count > before,
        'crashy respawn',
        15_000,
        5,
      );
      const spawned = logMatches(d, /spawned: 'crashy'/).times;
      push(out, 'crash_respawn_ms', Math.max(0, (spawned[spawned.length - 1] as number) - t0));
      await until(
        async () =>
          ((await d.call('supervisor.getProcessInfo', 'crashy')) as { statename: string })
            .statename === 'RUNNING',
        'crashy RUNNING again',
        15_000,
      );
    }

    // crash loop: spawns per second and daemon CPU while it loops (must stay paced)
    {
      const c0 = cpuMs(d.pid);
      const t0 = performance.now();
      await d.call('supervisor.startProcess', 'crashloop', false);
      await sleep(3000);
      const spawns = logMatches(d, /spawned: 'crashloop'/).count;
      const secs = (performance.now() - t0) / 1000;
      push(out, 'crashloop_spawns_per_s', spawns / secs);
      push(out, 'crashloop_cpu_pct', ((cpuMs(d.pid) - c0) / 1000 / secs) * 100);
      try {
        await d.call('supervisor.stopProcess', 'crashloop', true);
      } catch {
        /* between spawns it may not be running */
      }
    }

    // line written by a child → visible on a GET /logtail stream
    {
      const pinfo = (await d.call('supervisor.getProcessInfo', 'pinger')) as { pid: number };
      const res = await d.client.get('/logtail/pinger');
      if (res.statusCode !== 200) throw new Error(`/logtail/pinger: HTTP ${res.statusCode}`);
      let text = '';
      let waiter: (() => void) | null = null;
      res.on('data', (c: Buffer) => {
        text += c.toString('latin1');
        waiter?.();
      });
      await until(() => text.includes('ready'), 'logtail to deliver the backlog', 10_000);
      const lat: number[] = [];
      for (let i = 1; i <= sz.logtailPings; i++) {
        const needle = `ping ${i}\n`;
        const seen = new Promise<void>((resolve) => {
          waiter = () => {
            if (text.includes(needle)) resolve();
          };
        });
        const t0 = performance.now();
        process.kill(pinfo.pid, 'SIGUSR1');
        await bounded(seen, 10_000, `logtail ${needle.trim()}`);
        lat.push(performance.now() - t0);
        waiter = null;
        await sleep(30 + (i % 7) * 13); // spread the writes over the tail's poll phase
      }
      res.destroy();
      push(out, 'logtail_line_ms', median(lat));
    }
  });
  push(out, 'stragglers', stragglers);
}

/** 100 programs in one group: stopProcessGroup(wait) reps, then SIGTERM → daemon exit. */
export async function groupScenario(kind: Kind, sz: Sizes, out: Samples): Promise<void> {
  const programs = `[program:g]
command=sleep 1000
process_name=%(program_name)s_%(process_num)03d
numprocs=${sz.group}
startsecs=0
autorestart=false
`;
  const d = launch(kind, programs);
  try {
    await bounded(
      (async () => {
        await ready(d);
        const allRunning = async () =>
          ((await d.call('supervisor.getAllProcessInfo')) as { statename: string }[]).every(
            (p) => p.statename === 'RUNNING',
          );
        await until(allRunning, `${sz.group} RUNNING`, 60_000, 50);
        for (let i = 0; i < sz.groupStops; i++) {
          const t0 = performance.now();
          const r = (await d.call('supervisor.stopProcessGroup', 'g', true)) as unknown[];
          push(out, 'stopGroup_ms', performance.now() - t0);
          if (r.length !== sz.group) throw new Error(`stopProcessGroup: ${r.length} results`);
          await d.call('supervisor.startProcessGroup', 'g', true);
          await until(allRunning, `${sz.group} RUNNING again`, 60_000, 50);
        }
        const t0 = Date.now();
        d.proc.kill('SIGTERM');
        await bounded(d.exited, 60_000, 'daemon exit after SIGTERM');
        push(out, 'sigterm_shutdown_ms', (d.exitedAt as number) - t0);
      })(),
      180_000,
      `group on ${kind}`,
    );
  } finally {
    push(out, 'stragglers', await teardown(d));
  }
}

/** Stream `bytes` through a child's stdout with rotation; rate, daemon CPU, lost/duplicated bytes. */
export async function logCaptureScenario(kind: Kind, sz: Sizes, out: Samples): Promise<void> {
  const maxbytes = Math.max(4 << 20, Math.floor(sz.logBytes / 10));
  const backups = 20;
  const programs = `[program:spew]
command=${NODE} ${path.join(PROGRAMS, 'spew.cjs')} ${sz.logBytes}
autostart=false
autorestart=false
startsecs=0
stdout_logfile=%(here)s/spew.log
stdout_logfile_maxbytes=${maxbytes}
stdout_logfile_backups=${backups}
`;
  const { stragglers } = await withDaemon(kind, programs, 240_000, 'logcapture', async (d) => {
    await ready(d);
    const c0 = cpuMs(d.pid);
    await d.call('supervisor.startProcess', 'spew', false);
    await until(() => logMatches(d, /exited: spew/).count > 0, 'spew to exit', 180_000, 50);
    const spawned = logMatches(d, /spawned: 'spew'/).last;
    const exited = logMatches(d, /exited: spew/).last;
    const logfile = path.join(d.dir, 'spew.log');
    const lines = Math.floor(sz.logBytes / 1024);
    const expected = lines * 1024;
    const onDisk = () => {
      let n = 0;
      for (let i = 0; i <= backups; i++) {
        try {
          n += fs.statSync(i ? `${logfile}.${i}` : logfile).size;
        } catch {
          /* missing backup */
        }
      }
      return n;
    };
    // wait for the daemon to finish writing (bounded; a loss shows as fewer bytes)
    let last = -1;
    await until(
      () => {
        const n = onDisk();
        const settled = n === last;
        last = n;
        return n >= expected || settled;
      },
      'log bytes to settle',
      60_000,
      250,
    );
    const cpu = cpuMs(d.pid) - c0;
    const secs = (exited - spawned) / 1000;
    push(out, 'logcapture_MB_per_s', expected / 1e6 / Math.max(secs, 0.001));
    push(out, 'logcapture_cpu_s_per_GiB', cpu / 1000 / (expected / 2 ** 30));
    const v = verifyLog(logfile, backups, lines);
    push(out, 'logcapture_lost_bytes', v.lostBytes);
    push(out, 'logcapture_dup_bytes', v.dupBytes);
  });
  push(out, 'stragglers', stragglers);
}

/** Read the rotated log in order and check the numbered 1 KiB lines: each exactly once, in order. */
export function verifyLog(
  logfile: string,
  backups: number,
  lines: number,
): { lostBytes: number; dupBytes: number } {
  const files: string[] = [];
  for (let i = backups; i >= 1; i--)
    if (fs.existsSync(`${logfile}.${i}`)) files.push(`${logfile}.${i}`);
  if (fs.existsSync(logfile)) files.push(logfile);
  let next = 0;
  let lost = 0;
  let dup = 0;
  let carry = Buffer.alloc(0);
  const chunk = Buffer.alloc(8 << 20);
  const consume = (buf: Buffer): Buffer => {
    let off = 0;
    while (off + 1024 <= buf.length) {
      const num = Number(buf.toString('latin1', off, off + 10));
      const good = buf[off + 10] === 0x20 && buf[off + 1023] === 0x0a && Number.isFinite(num);
      if (!good) {
        // resynchronise on the next newline
        const nl = buf.indexOf(0x0a, off);
        if (nl === -1) return buf.subarray(off);
        off = nl + 1;
        continue;
      }
      if (num === next) next++;
      else if (num > next) {
        lost += (num - next) * 1024;
        next = num + 1;
      } else dup += 1024;
      off += 1024;
    }
    return buf.subarray(off);
  };
  for (const f of files) {
    const fd = fs.openSync(f, 'r');
    try {
      for (;;) {
        const n = fs.readSync(fd, chunk, 0, chunk.length, null);
        if (n === 0) break;
        carry = Buffer.from(consume(Buffer.concat([carry, chunk.subarray(0, n)])));
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  lost += (lines - next) * 1024;
  return { lostBytes: Math.max(0, lost), dupBytes: dup };
}

/**
 * The UI host's first read of a 1 GiB log (Paddock only): `readLogSlice` of the last 256 KiB,
 * as the log viewer opens following the tail. The renderer's paint is not measured here.
 */
export async function windowReadScenario(sz: Sizes, out: Samples): Promise<void> {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'big.log');
    const size = sz.logBytes;
    const fd = fs.openSync(file, 'w');
    const block = Buffer.alloc(1 << 20, 'y');
    for (let k = 1023; k < block.length; k += 1024) block[k] = 0x0a;
    for (let off = 0; off < size; off += block.length)
      fs.writeSync(fd, block, 0, block.length, off);
    fs.closeSync(fd);
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const s = await readLogSlice(file, Math.max(0, size - 262144), 262144);
      push(out, 'window_first_read_ms', performance.now() - t0);
      if (Buffer.from(s.data, 'base64').length !== 262144) throw new Error('short slice');
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
