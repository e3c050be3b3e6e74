/**
 * CPU and memory of every running process and its descendants, read from /proc (Linux). The
 * sampler runs at most once a second and only while at least one subscriber is registered, so it
 * costs nothing when nobody looks. On systems without /proc the numbers are zero.
 */
import { promises as fsp } from 'node:fs';
import type { SupervisorFacade, Unsubscribe } from '../facade.js';
import type { ProcessStats, StatsSample } from './wire.js';

const CLK_TCK = 100;
const PAGE_SIZE = 4096;

interface ProcRow {
  pid: number;
  ppid: number;
  /** utime + stime in clock ticks. */
  ticks: number;
  rssBytes: number;
}

/** Parses one `/proc/<pid>/stat` line (the comm field may contain spaces and parentheses). */
export function parseProcStat(line: string): ProcRow | null {
  const close = line.lastIndexOf(')');
  if (close < 0) return null;
  const pid = Number(line.slice(0, line.indexOf(' ')));
  const f = line.slice(close + 2).split(' ');
  // f[0] = state (field 3); ppid = field 4; utime = 14; stime = 15; rss = 24.
  const ppid = Number(f[1]);
  const ticks = Number(f[11]) + Number(f[12]);
  const rss = Number(f[21]);
  if (!Number.isFinite(pid) || !Number.isFinite(ppid)) return null;
  return { pid, ppid, ticks, rssBytes: rss * PAGE_SIZE };
}

async function readAllProcs(): Promise<Map<number, ProcRow>> {
  const rows = new Map<number, ProcRow>();
  let entries: string[];
  try {
    entries = await fsp.readdir('/proc');
  } catch {
    return rows;
  }
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        try {
          const row = parseProcStat(await fsp.readFile(`/proc/${e}/stat`, 'utf8'));
          if (row) rows.set(row.pid, row);
        } catch {
          // the process went away
        }
      }),
  );
  return rows;
}

/** pid plus all descendants, from a ppid map. */
export function treeOf(root: number, rows: Map<number, ProcRow>): number[] {
  const children = new Map<number, number[]>();
  for (const r of rows.values()) {
    const list = children.get(r.ppid);
    if (list) list.push(r.pid);
    else children.set(r.ppid, [r.pid]);
  }
  const out: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const p = stack.pop() as number;
    if (!rows.has(p) || out.includes(p)) continue;
    out.push(p);
    stack.push(...(children.get(p) ?? []));
  }
  return out;
}

export class StatsSampler {
  private readonly listeners = new Set<(s: StatsSample) => void>();
  private timer: NodeJS.Timeout | null = null;
  private prevTicks = new Map<number, number>();
  private prevAt = 0;
  private last: StatsSample = { at: 0, processes: {} };
  private sampling: Promise<StatsSample> | null = null;

  constructor(
    private readonly facade: SupervisorFacade,
    private readonly periodMs = 1000,
  ) {}

  /** One sample now (rate-limited: returns the last one if it is younger than the period). */
  async sample(): Promise<StatsSample> {
    if (Date.now() - this.last.at < this.periodMs) return this.last;
    this.sampling ??= this.doSample().finally(() => {
      this.sampling = null;
    });
    return this.sampling;
  }

  private async doSample(): Promise<StatsSample> {
    const rows = await readAllProcs();
    const at = Date.now();
    const dt = this.prevAt > 0 ? (at - this.prevAt) / 1000 : 0;
    const ticksNow = new Map<number, number>();
    const processes: Record<string, ProcessStats> = {};
    for (const info of this.facade.getAllProcessInfo()) {
      if (info.pid <= 0) continue;
      const tree = treeOf(info.pid, rows);
      let cpuTicks = 0;
      let mem = 0;
      for (const pid of tree) {
        const r = rows.get(pid) as ProcRow;
        mem += r.rssBytes;
        const prev = this.prevTicks.get(pid);
        // A new process in the tree counts from zero (its whole life so far is unknown).
        if (prev !== undefined && dt > 0) cpuTicks += Math.max(0, r.ticks - prev);
        ticksNow.set(pid, r.ticks);
      }
      processes[`${info.group}:${info.name}`] = {
        name: info.name,
        group: info.group,
        pid: info.pid,
        cpu: dt > 0 ? Math.round((cpuTicks / CLK_TCK / dt) * 100 * 10) / 10 : 0,
        memory: mem,
        processes: tree.length,
      };
    }
    this.prevTicks = ticksNow;
    this.prevAt = at;
    this.last = { at, processes };
    return this.last;
  }

  /** Receive a sample about every period while subscribed. */
  subscribe(cb: (s: StatsSample) => void): Unsubscribe {
    this.listeners.add(cb);
    if (!this.timer) {
      const tick = (): void => {
        void this.sample().then((s) => {
          for (const l of this.listeners) l(s);
        });
      };
      tick();
      this.timer = setInterval(tick, this.periodMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(cb);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  get active(): boolean {
    return this.timer !== null;
  }
}
