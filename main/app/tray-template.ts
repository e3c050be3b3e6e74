/**
 * The tray menu as plain data: a pure function of a snapshot, with no Electron calls and no
 * closures, so every state mix can be unit-tested in Node. `tray.ts` turns it into a `Menu`.
 */
import { isRunning, isStopped, ProcessStates } from '../engine/model/states.js';
import type { ProcessInfo } from '../engine/model/types.js';

/** The overall health shown by the tray icon. */
export type Health = 'running' | 'stopped' | 'error';

/** What clicking a tray item does; `tray.ts` binds each variant to a facade or shell call. */
export type TrayAction =
  | { type: 'start'; namespec: string }
  | { type: 'stop'; namespec: string }
  | { type: 'restart'; namespec: string }
  | { type: 'open-log'; namespec: string }
  | { type: 'start-all' }
  | { type: 'stop-all' }
  | { type: 'reload-config' }
  | { type: 'open-window' }
  | { type: 'open-config' }
  | { type: 'choose-config' }
  | { type: 'toggle-start-at-login' }
  | { type: 'quit' };

/** One menu entry as data. */
export type TrayItem =
  | { kind: 'separator' }
  | {
      kind: 'item';
      label: string;
      enabled: boolean;
      action: TrayAction | null;
      /** Present only on checkbox items. */
      checked?: boolean;
    }
  | { kind: 'submenu'; label: string; enabled: boolean; items: TrayItem[] };

/** Everything the tray menu depends on. */
export interface TraySnapshot {
  processes: readonly ProcessInfo[];
  /** Group names in config order; processes of unlisted groups are appended after them. */
  groups?: readonly string[];
  /** The CANT_REREAD / load error of the config, or null. */
  configError: string | null;
  startAtLogin: boolean;
  /** True while the engine is shutting down: every action but Quit is disabled. */
  shuttingDown?: boolean;
}

/** supervisord's namespec for a process: `name` when it is alone in a same-named group. */
export function namespecOf(p: Pick<ProcessInfo, 'name' | 'group'>): string {
  return p.group === p.name ? p.name : `${p.group}:${p.name}`;
}

/** The aggregate health: error on any FATAL/BACKOFF/UNKNOWN or a config error, running when all run. */
export function healthOf(processes: readonly ProcessInfo[], configError: string | null): Health {
  if (configError !== null) return 'error';
  let allRunning = processes.length > 0;
  for (const p of processes) {
    if (
      p.state === ProcessStates.FATAL ||
      p.state === ProcessStates.BACKOFF ||
      p.state === ProcessStates.UNKNOWN
    ) {
      return 'error';
    }
    if (p.state !== ProcessStates.RUNNING) allRunning = false;
  }
  return allRunning ? 'running' : 'stopped';
}

/** One-line tooltip, e.g. `Paddock: 3 running, 1 stopped, 1 FATAL`. */
export function trayTooltip(snapshot: TraySnapshot): string {
  if (snapshot.configError !== null) return 'Paddock: config error';
  const counts = new Map<string, number>();
  for (const p of snapshot.processes) counts.set(p.statename, (counts.get(p.statename) ?? 0) + 1);
  if (counts.size === 0) return 'Paddock: no programs';
  const parts = [...counts.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([name, n]) => `${n} ${name === 'RUNNING' || name === 'STOPPED' ? name.toLowerCase() : name}`,
    );
  return `Paddock: ${parts.join(', ')}`;
}

function processItems(p: ProcessInfo, disabled: boolean): TrayItem[] {
  const namespec = namespecOf(p);
  return [
    {
      kind: 'item',
      label: 'Start',
      enabled: !disabled && isStopped(p.state),
      action: { type: 'start', namespec },
    },
    {
      kind: 'item',
      label: 'Stop',
      enabled: !disabled && isRunning(p.state),
      action: { type: 'stop', namespec },
    },
    {
      kind: 'item',
      label: 'Restart',
      enabled: !disabled && isRunning(p.state),
      action: { type: 'restart', namespec },
    },
    { kind: 'separator' },
    { kind: 'item', label: 'Show log', enabled: true, action: { type: 'open-log', namespec } },
  ];
}

function processLabel(p: ProcessInfo): string {
  return `${p.name} — ${p.statename}`;
}

/** Groups processes in config order (listed groups first, then the rest by name). */
function grouped(snapshot: TraySnapshot): [string, ProcessInfo[]][] {
  const byGroup = new Map<string, ProcessInfo[]>();
  for (const g of snapshot.groups ?? []) byGroup.set(g, []);
  const rest = [...snapshot.processes].sort(
    (a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name),
  );
  for (const p of rest) {
    const list = byGroup.get(p.group);
    if (list) list.push(p);
    else byGroup.set(p.group, [p]);
  }
  return [...byGroup.entries()].filter(([, list]) => list.length > 0);
}

/** Builds the tray menu for a snapshot. */
export function buildTrayTemplate(snapshot: TraySnapshot): TrayItem[] {
  const disabled = snapshot.shuttingDown === true;
  const items: TrayItem[] = [];
  items.push({ kind: 'item', label: trayTooltip(snapshot), enabled: false, action: null });
  if (snapshot.configError !== null) {
    const firstLine = snapshot.configError.split('\n', 1)[0] ?? '';
    const short = firstLine.length > 80 ? `${firstLine.slice(0, 77)}...` : firstLine;
    items.push({
      kind: 'item',
      label: `Config error: ${short}`,
      enabled: true,
      action: { type: 'open-window' },
    });
  }
  items.push({ kind: 'separator' });

  for (const [group, procs] of grouped(snapshot)) {
    const only = procs.length === 1 ? procs[0] : undefined;
    if (only !== undefined && only.name === group) {
      // A plain [program:x] with numprocs=1: one submenu, no extra group level.
      items.push({
        kind: 'submenu',
        label: processLabel(only),
        enabled: true,
        items: processItems(only, disabled),
      });
    } else {
      items.push({
        kind: 'submenu',
        label: group,
        enabled: true,
        items: procs.map((p): TrayItem => ({
          kind: 'submenu',
          label: processLabel(p),
          enabled: true,
          items: processItems(p, disabled),
        })),
      });
    }
  }
  if (snapshot.processes.length > 0) items.push({ kind: 'separator' });

  const anyStopped = snapshot.processes.some((p) => isStopped(p.state));
  const anyRunning = snapshot.processes.some((p) => isRunning(p.state));
  items.push(
    {
      kind: 'item',
      label: 'Start all',
      enabled: !disabled && anyStopped,
      action: { type: 'start-all' },
    },
    {
      kind: 'item',
      label: 'Stop all',
      enabled: !disabled && anyRunning,
      action: { type: 'stop-all' },
    },
    { kind: 'item', label: 'Reload config', enabled: !disabled, action: { type: 'reload-config' } },
    { kind: 'separator' },
    { kind: 'item', label: 'Open Paddock', enabled: true, action: { type: 'open-window' } },
    { kind: 'item', label: 'Open config file', enabled: true, action: { type: 'open-config' } },
    {
      kind: 'item',
      label: 'Choose config file…',
      enabled: !disabled,
      action: { type: 'choose-config' },
    },
    {
      kind: 'item',
      label: 'Start at login',
      enabled: true,
      checked: snapshot.startAtLogin,
      action: { type: 'toggle-start-at-login' },
    },
    { kind: 'separator' },
    {
      kind: 'item',
      label: disabled ? 'Quitting…' : 'Quit Paddock',
      enabled: !disabled,
      action: { type: 'quit' },
    },
  );
  return items;
}
