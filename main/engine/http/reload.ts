/**
 * Config views and "reload config" for every UI host (the browser API and the Electron IPC
 * handlers share these): what supervisorctl's `update` does, with changed groups updated in
 * place when the engine can (only their changed programs restart, supervisor #1154).
 */
import type { ConfigDiff, SupervisorFacade } from '../facade.js';
import { SupervisorError } from '../model/faults.js';
import type { ProcessConfig } from '../model/types.js';
import type { ConfigValue, ConfigView, ReloadPreview, ReloadResult } from './wire.js';

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Every effective option of a process under its supervisord name, with its source. */
export function configValues(p: ProcessConfig): ConfigValue[] {
  const rows: [string, unknown][] = [
    ['process_name', p.name],
    ['command', p.command],
    ['numprocs_start/process_num', p.processNum],
    ['priority', p.priority],
    ['autostart', p.autostart],
    ['autorestart', p.autorestart],
    ['startsecs', p.startsecs],
    ['startretries', p.startretries],
    ['exitcodes', p.exitcodes.join(',')],
    ['stopsignal', p.stopsignal],
    ['stopwaitsecs', p.stopwaitsecs],
    ['stopasgroup', p.stopasgroup],
    ['killasgroup', p.killasgroup],
    ['user', p.user],
    ['directory', p.directory],
    ['umask', p.umask === null ? null : `0${p.umask.toString(8)}`],
    ['redirect_stderr', p.redirectStderr],
    ['environment', p.environment],
    ['serverurl', p.serverurl],
  ];
  for (const ch of ['stdout', 'stderr'] as const) {
    const c = p[ch];
    rows.push(
      [`${ch}_logfile`, c.logfile ?? 'NONE'],
      [`${ch}_logfile_maxbytes`, c.logfileMaxbytes],
      [`${ch}_logfile_backups`, c.logfileBackups],
      [`${ch}_capture_maxbytes`, c.captureMaxbytes],
      [`${ch}_events_enabled`, c.eventsEnabled],
      [`${ch}_syslog`, c.syslog],
    );
  }
  return rows.map(([key, value]) => ({
    key,
    value: fmt(value),
    source: p.sources[key] ?? null,
  }));
}

/** The effective configuration of every process, with where each value came from. */
export function configView(facade: SupervisorFacade): ConfigView {
  const cfg = facade.getConfig();
  return {
    configFile: cfg.configFile,
    files: cfg.files,
    warnings: cfg.warnings,
    groups: cfg.groups.map((g) => ({ name: g.name, kind: g.kind, source: g.source })),
    processes: cfg.groups.flatMap((g) =>
      g.processes.map((p) => ({
        name: p.name,
        group: g.name,
        section: p.section,
        values: configValues(p),
      })),
    ),
    info: facade.getAllConfigInfo(),
  };
}

/** The reload diff, or the CANT_REREAD text (file:line) without throwing. */
export function previewReload(reread: () => ConfigDiff): ReloadPreview {
  try {
    return { diff: reread(), error: null };
  } catch (err) {
    if (err instanceof SupervisorError && err.faultName === 'CANT_REREAD') {
      return { diff: null, error: err.message };
    }
    throw err;
  }
}

/** Apply a re-read diff: stop and remove removed groups, update changed ones, add new ones. */
export async function applyDiff(facade: SupervisorFacade, diff: ConfigDiff): Promise<ReloadResult> {
  const actions: ReloadResult['actions'] = [];
  const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
  for (const [list, action] of [
    [diff.removed, 'removed'],
    [diff.changed, 'changed'],
    [diff.added, 'added'],
  ] as const) {
    for (const g of list) {
      try {
        if (action === 'changed' && facade.updateProcessGroupInPlace) {
          await facade.updateProcessGroupInPlace(g);
        } else {
          if (action !== 'added') {
            await facade.stopProcessGroup(g, true);
            facade.removeProcessGroup(g);
          }
          if (action !== 'removed') facade.addProcessGroup(g);
        }
        actions.push({ group: g, action, error: null });
      } catch (e) {
        actions.push({ group: g, action, error: errText(e) });
      }
    }
  }
  return { diff, actions };
}
