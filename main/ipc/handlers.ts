/**
 * Invoke channel → engine call, one thin function each, plus the event pipeline that turns
 * engine events into sequenced pushes. Electron-free: the senders are plain ids.
 */
import type { SupervisorFacade } from '../engine/facade.js';
import { SupervisorError } from '../engine/model/faults.js';
import type { EngineEvent } from '../engine/model/types.js';
import { applyDiff, configView, previewReload as previewRereadFn } from '../engine/http/reload.js';
import { snapshotOf } from '../engine/http/ui-api.js';
import { readLogSlice, requireLogPath, searchLog, watchLog } from '../engine/http/log-files.js';
import { StatsSampler } from '../engine/http/stats.js';
import type {
  ReloadPreview,
  ReloadResult,
  Snapshot,
  ConfigStatus,
} from '../../preload/contract.js';
import type { Broadcaster } from './broadcast.js';
import type { InvokeHandlers } from './dispatch.js';

/** The handlers plus the lifecycle hooks main needs. */
export interface IpcBridge {
  handlers: InvokeHandlers;
  /** A window went away: end its log and stats subscriptions. */
  dropSender(id: number): void;
  /** Live subscriptions (for tests). */
  readonly subscriptions: number;
  dispose(): void;
}

/** Process channels never see `group:*` (validators refuse it), so the result is `true`. */
async function single(result: Promise<true | unknown[]> | true | unknown[]): Promise<true> {
  await result;
  return true;
}

async function restartOne(facade: SupervisorFacade, namespec: string): Promise<true> {
  try {
    await facade.stopProcess(namespec, true);
  } catch (err) {
    // supervisorctl restart: a stopped process is simply started.
    if (!(err instanceof SupervisorError && err.faultName === 'NOT_RUNNING')) throw err;
  }
  return single(facade.startProcess(namespec, true));
}

/** `supervisorctl update` through the IPC bridge (and the tray's Reload config). */
export async function applyReload(facade: SupervisorFacade): Promise<ReloadResult> {
  return applyDiff(facade, facade.reloadConfig());
}

/** The reload diff, or the CANT_REREAD text (file:line) without throwing. */
export function previewReload(facade: SupervisorFacade): ReloadPreview {
  return previewRereadFn(() => facade.reloadConfig());
}

/**
 * Wires the facade to the broadcaster (sequenced state pushes) and returns the handlers.
 *
 * Ordering contract: `seq` is bumped synchronously inside the engine's event callback, and
 * `supervisor:snapshot` reads it synchronously with the process list, so a renderer that
 * subscribes first and loads the snapshot second can drop pushes with `seq <= snapshot.seq`.
 */
export function createIpcBridge(
  facade: SupervisorFacade,
  broadcaster: Broadcaster,
  opts: {
    sampler?: StatsSampler;
    logPollMs?: number;
    /** The host's config status (the desktop host's load error); default: no error. */
    configStatus?: () => ConfigStatus;
  } = {},
): IpcBridge {
  let seq = 0;
  const sampler = opts.sampler ?? new StatsSampler(facade);
  const subs = new Map<number, { owner: number; stop: () => void }>();
  let nextId = 1;

  const onEvent = (ev: EngineEvent): void => {
    try {
      if (ev.type === 'process-state') {
        const t = ev.transition;
        const info = facade.getProcessInfo(`${t.group}:${t.name}`);
        broadcaster.broadcast('process:state', { seq: ++seq, transition: t, info });
      } else if (ev.type === 'supervisor-state') {
        broadcaster.broadcast('supervisor:state', { seq: ++seq, state: ev.state });
      } else if (ev.type === 'process-group') {
        broadcaster.broadcast('group:change', { seq: ++seq, action: ev.action, group: ev.group });
      }
    } catch {
      // Listeners must not throw into the engine (the process may already be removed).
    }
  };
  const unsubscribe = facade.subscribe(onEvent);

  const addSub = (owner: number, stop: () => void): number => {
    const id = nextId++;
    subs.set(id, { owner, stop });
    return id;
  };
  const endSub = (owner: number, id: number): true => {
    const s = subs.get(id);
    // Another window's subscription is not this one's to end; unknown ids are a no-op.
    if (s && s.owner === owner) {
      subs.delete(id);
      s.stop();
    }
    return true;
  };

  const snapshot = (): Snapshot => snapshotOf(facade, seq);

  const handlers: InvokeHandlers = {
    'supervisor:snapshot': () => snapshot(),
    'config:view': () => configView(facade),
    'config:status': () => opts.configStatus?.() ?? { error: null, fallback: false, at: null },
    'config:preview-reload': () => previewReload(facade),
    'config:apply-reload': () => applyReload(facade),
    'process:start': (_s, name) => single(facade.startProcess(name, true)),
    'process:stop': (_s, name) => single(facade.stopProcess(name, true)),
    'process:restart': (_s, name) => restartOne(facade, name),
    'process:signal': (_s, name, sig) => single(facade.signalProcess(name, sig)),
    'process:clear-logs': (_s, name) => facade.clearProcessLogs(name),
    'process:history': (_s, name) => facade.getProcessHistory(name),
    'group:start': (_s, g) => facade.startProcessGroup(g, true),
    'group:stop': (_s, g) => facade.stopProcessGroup(g, true),
    'group:restart': async (_s, g) => {
      await facade.stopProcessGroup(g, true);
      return facade.startProcessGroup(g, true);
    },
    'group:signal': (_s, g, sig) => facade.signalProcessGroup(g, sig),
    'all:start': () => facade.startAllProcesses(true),
    'all:stop': () => facade.stopAllProcesses(true),
    'all:restart': async () => {
      await facade.stopAllProcesses(true);
      return facade.startAllProcesses(true);
    },
    'all:signal': (_s, sig) => facade.signalAllProcesses(sig),
    'all:clear-logs': () => facade.clearAllProcessLogs(),
    'log:read': (_s, name, stream, offset, length) =>
      readLogSlice(requireLogPath(facade, name, stream), offset, length),
    'log:search': (_s, name, stream, query) =>
      searchLog(requireLogPath(facade, name, stream), query),
    'stats:get': () => sampler.sample(),
    'log:subscribe': (sender, name, stream) => {
      const path = requireLogPath(facade, name, stream);
      let id = 0;
      const stop = watchLog(
        path,
        name,
        stream,
        (tick) => broadcaster.sendTo(sender.id, 'log:tick', { ...tick, id }),
        opts.logPollMs,
      );
      id = addSub(sender.id, stop);
      return id;
    },
    'log:unsubscribe': (sender, id) => endSub(sender.id, id),
    'stats:subscribe': (sender) => {
      let id = 0;
      const stop = sampler.subscribe((sample) => {
        if (id !== 0) broadcaster.sendTo(sender.id, 'stats:update', sample);
      });
      id = addSub(sender.id, stop);
      return id;
    },
    'stats:unsubscribe': (sender, id) => endSub(sender.id, id),
  };

  return {
    handlers,
    dropSender(owner) {
      for (const [id, s] of subs) if (s.owner === owner) endSub(owner, id);
    },
    get subscriptions() {
      return subs.size;
    },
    dispose() {
      unsubscribe();
      for (const [id, s] of subs) endSub(s.owner, id);
    },
  };
}
