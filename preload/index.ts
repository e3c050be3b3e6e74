/**
 * The preload bridge: the only module that imports `ipcRenderer`. Exposes `window.paddock`, a
 * narrow, named API typed against the contract (`satisfies SupervisorBridge`); there is no
 * generic invoke, and the `IpcRendererEvent` never reaches the page.
 *
 * Sandboxed preloads cannot import local modules, so this file is bundled into one CommonJS
 * file by `scripts/build-preload.mjs` (esbuild) → `out/preload/index.cjs`.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  BRIDGE_ERROR_PREFIX,
  EventChannels,
  InvokeChannels,
  type EventChannel,
  type Events,
  type Invoke,
  type InvokeChannel,
  type LogStream,
  type LogTick,
  type StatsSample,
  type SupervisorBridge,
  type Unsubscribe,
} from './contract.js';
import type { Envelope } from '../main/ipc/dispatch.js';

/** Calls main and unwraps the envelope; a failure becomes an Error that carries the BridgeError. */
async function invoke<C extends InvokeChannel>(
  channel: C,
  ...args: Invoke[C]['args']
): Promise<Invoke[C]['result']> {
  const r = (await ipcRenderer.invoke(channel, ...args)) as Envelope<Invoke[C]['result']>;
  if (r.ok) return r.value;
  throw new Error(`${BRIDGE_ERROR_PREFIX}${JSON.stringify(r.error)}`);
}

function on<C extends EventChannel>(channel: C, cb: (payload: Events[C]) => void): Unsubscribe {
  const listener = (_event: IpcRendererEvent, payload: Events[C]): void => cb(payload);
  ipcRenderer.on(channel, listener);
  return () => {
    ipcRenderer.removeListener(channel, listener);
  };
}

/** One `log:tick` listener fans out to subscriptions by id. */
const logCallbacks = new Map<number, (tick: LogTick) => void>();
on(EventChannels.logTick, (tick) => {
  const { id, ...rest } = tick;
  logCallbacks.get(id)?.(rest);
});

function onLog(namespec: string, stream: LogStream, cb: (tick: LogTick) => void): Unsubscribe {
  let id: number | null = null;
  let closed = false;
  invoke(InvokeChannels.subscribeLog, namespec, stream).then(
    (got) => {
      if (closed) {
        void invoke(InvokeChannels.unsubscribeLog, got).catch(() => undefined);
        return;
      }
      id = got;
      logCallbacks.set(got, cb);
    },
    (err: unknown) => console.warn('paddock: log subscription failed', err),
  );
  return () => {
    if (closed) return;
    closed = true;
    if (id !== null) {
      logCallbacks.delete(id);
      void invoke(InvokeChannels.unsubscribeLog, id).catch(() => undefined);
    }
  };
}

/** Stats run in main only while at least one callback is registered here. */
const statsCallbacks = new Set<(s: StatsSample) => void>();
let statsSub: Promise<number> | null = null;
on(EventChannels.stats, (sample) => {
  for (const cb of statsCallbacks) cb(sample);
});

function onStats(cb: (sample: StatsSample) => void): Unsubscribe {
  statsCallbacks.add(cb);
  statsSub ??= invoke(InvokeChannels.subscribeStats);
  return () => {
    if (!statsCallbacks.delete(cb) || statsCallbacks.size > 0 || statsSub === null) return;
    const sub = statsSub;
    statsSub = null;
    void sub.then((id) => invoke(InvokeChannels.unsubscribeStats, id)).catch(() => undefined);
  };
}

const api = {
  getSnapshot: () => invoke(InvokeChannels.getSnapshot),
  getConfigStatus: () => invoke(InvokeChannels.getConfigStatus),
  getConfigView: () => invoke(InvokeChannels.getConfigView),
  previewReload: () => invoke(InvokeChannels.previewReload),
  applyReload: () => invoke(InvokeChannels.applyReload),

  startProcess: (n: string) => invoke(InvokeChannels.startProcess, n),
  stopProcess: (n: string) => invoke(InvokeChannels.stopProcess, n),
  restartProcess: (n: string) => invoke(InvokeChannels.restartProcess, n),
  signalProcess: (n: string, sig: string) => invoke(InvokeChannels.signalProcess, n, sig),
  clearProcessLogs: (n: string) => invoke(InvokeChannels.clearProcessLogs, n),
  getHistory: (n: string) => invoke(InvokeChannels.getHistory, n),

  startGroup: (g: string) => invoke(InvokeChannels.startGroup, g),
  stopGroup: (g: string) => invoke(InvokeChannels.stopGroup, g),
  restartGroup: (g: string) => invoke(InvokeChannels.restartGroup, g),
  signalGroup: (g: string, sig: string) => invoke(InvokeChannels.signalGroup, g, sig),

  startAll: () => invoke(InvokeChannels.startAll),
  stopAll: () => invoke(InvokeChannels.stopAll),
  restartAll: () => invoke(InvokeChannels.restartAll),
  signalAll: (sig: string) => invoke(InvokeChannels.signalAll, sig),
  clearAllLogs: () => invoke(InvokeChannels.clearAllLogs),

  readLog: (n: string, stream: LogStream, offset: number, length: number) =>
    invoke(InvokeChannels.readLog, n, stream, offset, length),
  searchLog: (n: string, stream: LogStream, query: string) =>
    invoke(InvokeChannels.searchLog, n, stream, query),
  getStats: () => invoke(InvokeChannels.getStats),

  onProcessState: (cb) => on(EventChannels.processState, cb),
  onSupervisorState: (cb) => on(EventChannels.supervisorState, cb),
  onGroupChange: (cb) => on(EventChannels.groupChange, cb),
  onLog,
  onStats,
} satisfies SupervisorBridge;

contextBridge.exposeInMainWorld('paddock', api);
