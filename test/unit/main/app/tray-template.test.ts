import { describe, expect, it } from 'vitest';
import {
  buildTrayTemplate,
  healthOf,
  namespecOf,
  type TrayItem,
  type TraySnapshot,
} from '../../../../main/app/tray-template.js';
import { allTrayIconFiles, trayIconFile } from '../../../../main/app/tray-icons.js';
import {
  ProcessStates,
  stateName,
  type ProcessState,
} from '../../../../main/engine/model/states.js';
import type { ProcessInfo } from '../../../../main/engine/model/types.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

function proc(name: string, state: ProcessState, group = name): ProcessInfo {
  return {
    name,
    group,
    description: '',
    start: 0,
    stop: 0,
    now: 0,
    state,
    statename: stateName(state),
    spawnerr: '',
    exitstatus: 0,
    logfile: '',
    stdout_logfile: '',
    stderr_logfile: '',
    pid: state === ProcessStates.RUNNING ? 123 : 0,
  };
}

function snap(processes: ProcessInfo[], extra: Partial<TraySnapshot> = {}): TraySnapshot {
  return { processes, configError: null, startAtLogin: false, ...extra };
}

function find(items: TrayItem[], label: string): TrayItem {
  for (const it of items) {
    if (it.kind !== 'separator' && it.label === label) return it;
    if (it.kind === 'submenu') {
      try {
        return find(it.items, label);
      } catch {
        /* keep looking */
      }
    }
  }
  throw new Error(`no item ${label}`);
}

function actionsOf(item: TrayItem): Record<string, boolean> {
  if (item.kind !== 'submenu') throw new Error('not a submenu');
  const out: Record<string, boolean> = {};
  for (const it of item.items) if (it.kind === 'item') out[it.label] = it.enabled;
  return out;
}

const ALL_STATES = Object.values(ProcessStates);
const STOPPED = new Set<number>([
  ProcessStates.STOPPED,
  ProcessStates.EXITED,
  ProcessStates.FATAL,
  ProcessStates.UNKNOWN,
]);
const RUNNING = new Set<number>([
  ProcessStates.RUNNING,
  ProcessStates.BACKOFF,
  ProcessStates.STARTING,
]);

describe('buildTrayTemplate', () => {
  it.each(ALL_STATES)(
    'enables Start only in stopped states and Stop/Restart only in running states (%s)',
    (state) => {
      const items = buildTrayTemplate(snap([proc('web', state)]));
      const menu = find(items, `web — ${stateName(state)}`);
      expect(actionsOf(menu)).toEqual({
        Start: STOPPED.has(state),
        Stop: RUNNING.has(state),
        Restart: RUNNING.has(state),
        'Show log': true,
      });
    },
  );

  it('binds process actions to the namespec', () => {
    const items = buildTrayTemplate(snap([proc('w0', ProcessStates.RUNNING, 'workers')]));
    const group = find(items, 'workers');
    expect(group.kind).toBe('submenu');
    const p = find(items, 'w0 — RUNNING');
    if (p.kind !== 'submenu') throw new Error();
    const stop = p.items.find((i) => i.kind === 'item' && i.label === 'Stop');
    expect(stop).toMatchObject({ action: { type: 'stop', namespec: 'workers:w0' } });
    expect(namespecOf({ name: 'web', group: 'web' })).toBe('web');
  });

  it('groups processes under their group, in config order, with plain programs flat', () => {
    const items = buildTrayTemplate(
      snap(
        [
          proc('zeta', ProcessStates.RUNNING),
          proc('b', ProcessStates.STOPPED, 'grp'),
          proc('a', ProcessStates.RUNNING, 'grp'),
        ],
        { groups: ['zeta', 'grp'] },
      ),
    );
    const labels = items
      .filter((i) => i.kind === 'submenu')
      .map((i) => (i.kind === 'submenu' ? i.label : ''));
    expect(labels).toEqual(['zeta — RUNNING', 'grp']);
    const grp = find(items, 'grp');
    if (grp.kind !== 'submenu') throw new Error();
    expect(grp.items.map((i) => (i.kind === 'submenu' ? i.label : ''))).toEqual([
      'a — RUNNING',
      'b — STOPPED',
    ]);
  });

  it.each([
    ['all running', [ProcessStates.RUNNING, ProcessStates.RUNNING], { start: false, stop: true }],
    ['all stopped', [ProcessStates.STOPPED, ProcessStates.EXITED], { start: true, stop: false }],
    ['mixed', [ProcessStates.RUNNING, ProcessStates.FATAL], { start: true, stop: true }],
    ['none', [], { start: false, stop: false }],
  ] as const)('Start all / Stop all for %s', (_name, states, expected) => {
    const items = buildTrayTemplate(snap(states.map((s, i) => proc(`p${i}`, s))));
    expect(find(items, 'Start all')).toMatchObject({
      enabled: expected.start,
      action: { type: 'start-all' },
    });
    expect(find(items, 'Stop all')).toMatchObject({
      enabled: expected.stop,
      action: { type: 'stop-all' },
    });
  });

  it('has the fixed entries, the Start at login checkbox and Quit last', () => {
    const items = buildTrayTemplate(snap([], { startAtLogin: true }));
    for (const [label, type] of [
      ['Reload config', 'reload-config'],
      ['Open Paddock', 'open-window'],
      ['Open config file', 'open-config'],
      ['Choose config file…', 'choose-config'],
    ] as const) {
      expect(find(items, label)).toMatchObject({ enabled: true, action: { type } });
    }
    expect(find(items, 'Start at login')).toMatchObject({
      checked: true,
      action: { type: 'toggle-start-at-login' },
    });
    expect(
      buildTrayTemplate(snap([])).find((i) => i.kind === 'item' && i.label === 'Start at login'),
    ).toMatchObject({
      checked: false,
    });
    expect(items.at(-1)).toMatchObject({ label: 'Quit Paddock', action: { type: 'quit' } });
  });

  it('shows a config error as an item that opens the window', () => {
    const items = buildTrayTemplate(
      snap([], { configError: 'CANT_REREAD: /x.conf line 3: bad\nmore' }),
    );
    expect(find(items, 'Config error: CANT_REREAD: /x.conf line 3: bad')).toMatchObject({
      action: { type: 'open-window' },
    });
    expect(items[0]).toMatchObject({ label: 'Paddock: config error', enabled: false });
  });

  it('disables every action but the window while shutting down', () => {
    const items = buildTrayTemplate(
      snap([proc('web', ProcessStates.RUNNING)], { shuttingDown: true }),
    );
    expect(actionsOf(find(items, 'web — RUNNING'))).toMatchObject({
      Start: false,
      Stop: false,
      Restart: false,
    });
    expect(find(items, 'Quitting…')).toMatchObject({ enabled: false });
    expect(find(items, 'Open Paddock')).toMatchObject({ enabled: true });
  });

  it('is plain data (JSON round-trips: no closures)', () => {
    const items = buildTrayTemplate(snap([proc('web', ProcessStates.RUNNING)]));
    expect(JSON.parse(JSON.stringify(items))).toEqual(items);
  });
});

describe('healthOf and tray icons', () => {
  it.each([
    [[ProcessStates.RUNNING, ProcessStates.RUNNING], 'running'],
    [[ProcessStates.RUNNING, ProcessStates.STOPPED], 'stopped'],
    [[ProcessStates.RUNNING, ProcessStates.STARTING], 'stopped'],
    [[ProcessStates.RUNNING, ProcessStates.EXITED], 'stopped'],
    [[ProcessStates.RUNNING, ProcessStates.FATAL], 'error'],
    [[ProcessStates.STOPPED, ProcessStates.BACKOFF], 'error'],
    [[ProcessStates.UNKNOWN], 'error'],
    [[], 'stopped'],
  ] as const)('%j → %s', (states, health) => {
    expect(
      healthOf(
        states.map((s, i) => proc(`p${i}`, s)),
        null,
      ),
    ).toBe(health);
  });

  it('a config error is an error even when everything runs', () => {
    expect(healthOf([proc('a', ProcessStates.RUNNING)], 'bad')).toBe('error');
  });

  it('uses Template images on macOS and coloured PNGs elsewhere, and every file exists', () => {
    expect(trayIconFile('error', 'darwin')).toBe('tray/errorTemplate.png');
    expect(trayIconFile('error', 'linux')).toBe('tray/error.png');
    expect(trayIconFile('running', 'win32')).toBe('tray/running.png');
    for (const f of allTrayIconFiles()) expect(existsSync(join('assets', f)), f).toBe(true);
  });
});
