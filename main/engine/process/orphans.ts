/**
 * Children left behind by a crashed previous run.
 *
 * While running, the shell records every child's pid with its kernel start time in a state file.
 * On the next start, a recorded pid that is still alive with the same start time is the same
 * process (pids are reused; start times are not), so it is an orphan of ours: it is stopped
 * (TERM to its process group, KILL after a grace period) before the engine starts the service
 * again, and reported. A pid whose start time cannot be read or differs is left alone.
 */
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';

/** One recorded child. */
export interface ChildRecord {
  pid: number;
  /** `/proc/<pid>/stat` field 22 (clock ticks since boot), as a decimal string. */
  startTime: string;
  namespec: string;
}

/** What happened to one orphan. */
export interface ReapReport {
  pid: number;
  namespec: string;
  outcome: 'terminated' | 'killed' | 'survived';
}

/** Parsed `/proc/<pid>/stat` fields we use. */
export interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
  startTime: string;
}

/** Parses `/proc/<pid>/stat`; the command name may contain spaces and parentheses. */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  // Fields after the comm: 3=state 4=ppid 5=pgrp … 22=starttime.
  const rest = text
    .slice(close + 1)
    .trim()
    .split(/\s+/);
  const state = rest[0];
  const startTime = rest[19];
  if (!Number.isInteger(pid) || state === undefined || startTime === undefined) return null;
  return { pid, state, ppid: Number(rest[1]), pgrp: Number(rest[2]), startTime };
}

/** Reads a live process's stat, or null when it is gone (or this is not Linux). */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  try {
    const stat = parseProcStat(await readFile(`/proc/${pid}/stat`, 'utf8'));
    // A zombie is dead for our purposes: it only waits for its parent to reap it.
    return stat && stat.state !== 'Z' ? stat : null;
  } catch {
    return null;
  }
}

/** The records whose process is still alive with the same start time. */
export async function findOrphans(
  records: readonly ChildRecord[],
  read: (pid: number) => Promise<ProcStat | null> = readProcStat,
): Promise<ChildRecord[]> {
  const alive: ChildRecord[] = [];
  for (const r of records) {
    const stat = await read(r.pid);
    if (stat !== null && stat.startTime === r.startTime) alive.push(r);
  }
  return alive;
}

function signal(pid: number, sig: NodeJS.Signals, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, sig);
  } catch {
    // ESRCH: already gone.
  }
}

async function waitGone(
  r: ChildRecord,
  deadline: number,
  read: (pid: number) => Promise<ProcStat | null>,
): Promise<boolean> {
  for (;;) {
    const stat = await read(r.pid);
    if (stat === null || stat.startTime !== r.startTime) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Stops each orphan: TERM (to its group when it leads one), then KILL after `graceMs`. */
export async function reapOrphans(
  orphans: readonly ChildRecord[],
  opts: { graceMs?: number; read?: (pid: number) => Promise<ProcStat | null> } = {},
): Promise<ReapReport[]> {
  const read = opts.read ?? readProcStat;
  const graceMs = opts.graceMs ?? 5000;
  const leaders = new Map<number, boolean>();
  for (const o of orphans) {
    const stat = await read(o.pid);
    leaders.set(o.pid, stat !== null && stat.pgrp === o.pid);
    signal(o.pid, 'SIGTERM', leaders.get(o.pid) === true);
  }
  const deadline = Date.now() + graceMs;
  return Promise.all(
    orphans.map(async (o): Promise<ReapReport> => {
      if (await waitGone(o, deadline, read))
        return { pid: o.pid, namespec: o.namespec, outcome: 'terminated' };
      signal(o.pid, 'SIGKILL', leaders.get(o.pid) === true);
      const gone = await waitGone(o, Date.now() + graceMs, read);
      return { pid: o.pid, namespec: o.namespec, outcome: gone ? 'killed' : 'survived' };
    }),
  );
}

function isRecord(v: unknown): v is ChildRecord {
  if (v === null || typeof v !== 'object') return false;
  const r = v as Record<string, unknown>;
  return (
    typeof r.pid === 'number' &&
    Number.isInteger(r.pid) &&
    r.pid > 1 &&
    typeof r.startTime === 'string' &&
    /^\d+$/.test(r.startTime) &&
    typeof r.namespec === 'string'
  );
}

/**
 * The state file of live children. Writes are serialised and atomic (temp file + rename),
 * so a crash mid-write leaves the previous complete list.
 */
export class ChildRegistry {
  private children = new Map<number, ChildRecord>();
  private writing: Promise<void> = Promise.resolve();
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly read: (pid: number) => Promise<ProcStat | null> = readProcStat,
  ) {}

  /** The records left by the previous run (invalid entries are skipped). */
  async loadPrevious(): Promise<ChildRecord[]> {
    try {
      const parsed: unknown = JSON.parse(await readFile(this.file, 'utf8'));
      const list = (parsed as { children?: unknown }).children;
      return Array.isArray(list) ? list.filter(isRecord) : [];
    } catch {
      return [];
    }
  }

  /**
   * Replaces the recorded set with the given live children (pid > 0), reading each new pid's
   * start time. Resolves once the file is written.
   */
  sync(live: readonly { pid: number; namespec: string }[]): Promise<void> {
    const run = this.syncing.catch(() => undefined).then(() => this.doSync(live));
    this.syncing = run;
    return run;
  }

  private async doSync(live: readonly { pid: number; namespec: string }[]): Promise<void> {
    const next = new Map<number, ChildRecord>();
    for (const { pid, namespec } of live) {
      if (pid <= 0) continue;
      const known = this.children.get(pid);
      if (known && known.namespec === namespec) {
        next.set(pid, known);
        continue;
      }
      const stat = await this.read(pid);
      if (stat !== null) next.set(pid, { pid, namespec, startTime: stat.startTime });
    }
    const changed =
      next.size !== this.children.size || [...next.keys()].some((pid) => !this.children.has(pid));
    this.children = next;
    if (changed) await this.flush();
  }

  /** Current records. */
  records(): ChildRecord[] {
    return [...this.children.values()];
  }

  /** Writes the current set (after the previous write finished). */
  flush(): Promise<void> {
    const body = JSON.stringify(
      { version: 1, writer: process.pid, children: this.records() },
      null,
      1,
    );
    const tmp = `${this.file}.tmp`;
    this.writing = this.writing
      .catch(() => undefined)
      .then(async () => {
        await writeFile(tmp, body);
        await rename(tmp, this.file);
      });
    return this.writing;
  }
}

/** The environment variable that marks every child of one daemon instance (by pidfile). */
export const DAEMON_ID_VAR = 'PADDOCK_DAEMON_ID';

/**
 * Processes (children and their descendants, which inherit the environment) carrying
 * `PADDOCK_DAEMON_ID=<id>`: what a killed daemon with this id left behind. Linux only (/proc);
 * processes of other users and zombies are skipped. Robust where a state file is not: it needs
 * no record written before the daemon died.
 */
export async function findTaggedProcesses(
  id: string,
  exclude: ReadonlySet<number> = new Set(),
): Promise<ChildRecord[]> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return [];
  }
  const needle = `\0${DAEMON_ID_VAR}=${id}\0`;
  const out: ChildRecord[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const pid = Number(e);
    if (pid === process.pid || exclude.has(pid)) continue;
    let env: string;
    try {
      env = `\0${await readFile(`/proc/${pid}/environ`, 'latin1')}`;
    } catch {
      continue;
    }
    if (!env.includes(needle)) continue;
    const stat = await readProcStat(pid);
    if (stat === null) continue;
    const get = (k: string) =>
      /\0([^=\0]+)=([^\0]*)/.exec(env.slice(env.indexOf(`\0${k}=`)))?.[2] ?? '?';
    out.push({
      pid,
      startTime: stat.startTime,
      namespec: `${get('SUPERVISOR_GROUP_NAME')}:${get('SUPERVISOR_PROCESS_NAME')}`,
    });
  }
  return out;
}
