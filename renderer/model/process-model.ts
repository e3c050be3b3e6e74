/** Pure view model of the process view: badges, enabled actions, descriptions, grouping, filter. */
import type { ProcessInfo } from '../../main/engine/model/types.js';
import type { ProcessStateName } from '../../main/engine/model/states.js';

export type BadgeTone = 'ok' | 'busy' | 'warn' | 'bad' | 'idle';

export interface Badge {
  text: ProcessStateName;
  tone: BadgeTone;
}

const TONES: Record<ProcessStateName, BadgeTone> = {
  RUNNING: 'ok',
  STARTING: 'busy',
  STOPPING: 'busy',
  BACKOFF: 'warn',
  EXITED: 'warn',
  FATAL: 'bad',
  UNKNOWN: 'bad',
  STOPPED: 'idle',
};

export function badgeOf(statename: ProcessStateName): Badge {
  return { text: statename, tone: TONES[statename] };
}

export interface Actions {
  start: boolean;
  stop: boolean;
  restart: boolean;
  signal: boolean;
  clearLog: boolean;
}

/** Which actions make sense in a state (as supervisord accepts them). */
export function actionsFor(statename: ProcessStateName): Actions {
  const running = statename === 'RUNNING' || statename === 'STARTING' || statename === 'BACKOFF';
  const stopped =
    statename === 'STOPPED' ||
    statename === 'EXITED' ||
    statename === 'FATAL' ||
    statename === 'UNKNOWN';
  return {
    start: stopped || statename === 'BACKOFF',
    stop: running,
    restart: statename !== 'STOPPING',
    signal: statename === 'RUNNING' || statename === 'STARTING' || statename === 'STOPPING',
    clearLog: true,
  };
}

/** Group-level actions from the states of its members. */
export function groupActions(states: ProcessStateName[]): Actions {
  const all = states.map(actionsFor);
  return {
    start: all.some((a) => a.start),
    stop: all.some((a) => a.stop),
    restart: all.some((a) => a.restart),
    signal: all.some((a) => a.signal),
    clearLog: all.length > 0,
  };
}

/** `H:MM:SS`, or `N days, H:MM:SS`, as supervisord formats uptime. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const days = Math.floor(s / 86400);
  const h = Math.floor((s % 86400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const hms = `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
  return days > 0 ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

/**
 * supervisorctl's description, kept live: RUNNING shows a ticking uptime computed from
 * `start` and the server clock (`skewSec` = server now − local now); others use the server text.
 */
export function describe(info: ProcessInfo, localNowSec: number, skewSec = 0): string {
  if (info.statename === 'RUNNING' && info.start > 0) {
    return `pid ${info.pid}, uptime ${formatUptime(localNowSec + skewSec - info.start)}`;
  }
  return info.description;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

export interface GroupView {
  name: string;
  processes: ProcessInfo[];
}

export function namespec(p: { group: string; name: string }): string {
  return `${p.group}:${p.name}`;
}

/**
 * Groups in config order with their processes, filtered by a query matched against
 * `group:name`, the state name and the pid (space-separated terms must all match).
 */
export function groupProcesses(
  processes: ProcessInfo[],
  groupOrder: string[],
  filter: string,
): GroupView[] {
  const terms = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const match = (p: ProcessInfo): boolean => {
    const hay = `${p.group}:${p.name} ${p.statename} ${p.pid || ''}`.toLowerCase();
    return terms.every((t) => hay.includes(t));
  };
  const byGroup = new Map<string, ProcessInfo[]>();
  for (const g of groupOrder) byGroup.set(g, []);
  for (const p of processes) {
    if (!match(p)) continue;
    const list = byGroup.get(p.group);
    if (list) list.push(p);
    else byGroup.set(p.group, [p]);
  }
  return [...byGroup.entries()]
    .filter(([, ps]) => ps.length > 0)
    .map(([name, ps]) => ({ name, processes: ps }));
}

/** Counts by tone, for the header summary. */
export function summary(processes: ProcessInfo[]): Record<BadgeTone, number> {
  const out: Record<BadgeTone, number> = { ok: 0, busy: 0, warn: 0, bad: 0, idle: 0 };
  for (const p of processes) out[badgeOf(p.statename).tone]++;
  return out;
}
