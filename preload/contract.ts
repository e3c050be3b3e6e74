/**
 * The one typed contract between the Electron main process, the preload bridge and the renderer.
 * Types and constants only (the wire shapes come from `main/engine/http/wire.ts`, which the
 * browser host's JSON API uses too), so main, preload and renderer can all import it.
 *
 * Conventions:
 * - Invoke channels are `ipcRenderer.invoke(channel, ...args)` → `ipcMain.handle(channel, ...)`.
 *   Arguments are positional as listed in `Invoke[channel].args`; the resolved value is
 *   `Invoke[channel].result`.
 * - A failed call rejects with a `BridgeError` shape (`{ faultName, code, message }`) — main must
 *   convert every `SupervisorError` (and validation failures, as `BAD_ARGUMENTS`) into it, because
 *   Electron only carries `message` across the boundary: encode it as
 *   `PADDOCK_FAULT:<json BridgeError>` in the Error message; `decodeBridgeError` in the renderer
 *   parses it back.
 * - Events are `webContents.send(channel, payload)`; the renderer subscribes through the
 *   `on…` methods, each returning an `Unsubscribe`.
 * - Byte payloads cross the boundary as base64 strings (same on IPC and HTTP).
 */
import type { ConfigDiff, ConfigInfo, ResultStruct, Unsubscribe } from '../main/engine/facade.js';
import type { StateTransition } from '../main/engine/model/types.js';

export type { ConfigDiff, ConfigInfo, ResultStruct, Unsubscribe };
export type {
  LogStream,
  Snapshot,
  ProcessStateEvent,
  SupervisorStateEvent,
  GroupChangeEvent,
  LogTick,
  LogSlice,
  LogSearchResult,
  ProcessStats,
  StatsSample,
  ConfigValue,
  ConfigProcessView,
  ConfigView,
  ReloadPreview,
  ConfigStatus,
  ReloadResult,
  BridgeError,
} from '../main/engine/http/wire.js';
export { MAX_SEARCH_OFFSETS, MAX_LOG_READ } from '../main/engine/http/wire.js';
import type {
  LogStream,
  Snapshot,
  ProcessStateEvent,
  SupervisorStateEvent,
  GroupChangeEvent,
  LogTick,
  LogSlice,
  LogSearchResult,
  StatsSample,
  ConfigView,
  ReloadPreview,
  ConfigStatus,
  ReloadResult,
} from '../main/engine/http/wire.js';

/** Invoke (request/response) channel names, `area:verb`. */
export const InvokeChannels = {
  getSnapshot: 'supervisor:snapshot',
  getConfigView: 'config:view',
  previewReload: 'config:preview-reload',
  applyReload: 'config:apply-reload',
  startProcess: 'process:start',
  stopProcess: 'process:stop',
  restartProcess: 'process:restart',
  signalProcess: 'process:signal',
  clearProcessLogs: 'process:clear-logs',
  getHistory: 'process:history',
  startGroup: 'group:start',
  stopGroup: 'group:stop',
  restartGroup: 'group:restart',
  signalGroup: 'group:signal',
  startAll: 'all:start',
  stopAll: 'all:stop',
  restartAll: 'all:restart',
  signalAll: 'all:signal',
  clearAllLogs: 'all:clear-logs',
  readLog: 'log:read',
  searchLog: 'log:search',
  getStats: 'stats:get',
  /** Start delivering `log:tick` events for (name, stream); returns a subscription id. */
  subscribeLog: 'log:subscribe',
  unsubscribeLog: 'log:unsubscribe',
  /** Start delivering `stats:update` events (the sampler only runs while someone is subscribed). */
  subscribeStats: 'stats:subscribe',
  unsubscribeStats: 'stats:unsubscribe',
  /** The host's config status (last load error), for the config-error banner. */
  getConfigStatus: 'config:status',
} as const;
export type InvokeChannel = (typeof InvokeChannels)[keyof typeof InvokeChannels];

/** Event (main → renderer push) channel names. */
export const EventChannels = {
  processState: 'process:state',
  supervisorState: 'supervisor:state',
  groupChange: 'group:change',
  logTick: 'log:tick',
  stats: 'stats:update',
} as const;
export type EventChannel = (typeof EventChannels)[keyof typeof EventChannels];

/** Prefix used to carry a `BridgeError` through Electron's error-message-only serialisation. */
export const BRIDGE_ERROR_PREFIX = 'PADDOCK_FAULT:';

/** Request/response map: `args` are positional. */
export interface Invoke {
  'supervisor:snapshot': { args: []; result: Snapshot };
  'config:view': { args: []; result: ConfigView };
  'config:preview-reload': { args: []; result: ReloadPreview };
  'config:apply-reload': { args: []; result: ReloadResult };
  'process:start': { args: [namespec: string]; result: true };
  'process:stop': { args: [namespec: string]; result: true };
  'process:restart': { args: [namespec: string]; result: true };
  'process:signal': { args: [namespec: string, signal: string]; result: true };
  'process:clear-logs': { args: [namespec: string]; result: true };
  'process:history': { args: [namespec: string]; result: StateTransition[] };
  'group:start': { args: [group: string]; result: ResultStruct[] };
  'group:stop': { args: [group: string]; result: ResultStruct[] };
  'group:restart': { args: [group: string]; result: ResultStruct[] };
  'group:signal': { args: [group: string, signal: string]; result: ResultStruct[] };
  'all:start': { args: []; result: ResultStruct[] };
  'all:stop': { args: []; result: ResultStruct[] };
  'all:restart': { args: []; result: ResultStruct[] };
  'all:signal': { args: [signal: string]; result: ResultStruct[] };
  'all:clear-logs': { args: []; result: ResultStruct[] };
  'log:read': {
    args: [namespec: string, stream: LogStream, offset: number, length: number];
    result: LogSlice;
  };
  'log:search': {
    args: [namespec: string, stream: LogStream, query: string];
    result: LogSearchResult;
  };
  'stats:get': { args: []; result: StatsSample };
  'log:subscribe': { args: [namespec: string, stream: LogStream]; result: number };
  'log:unsubscribe': { args: [id: number]; result: true };
  'stats:subscribe': { args: []; result: number };
  'stats:unsubscribe': { args: [id: number]; result: true };
  'config:status': { args: []; result: ConfigStatus };
}

/** Push map: payload per event channel. */
export interface Events {
  'process:state': ProcessStateEvent;
  'supervisor:state': SupervisorStateEvent;
  'group:change': GroupChangeEvent;
  /** Only for subscribed (name, stream) pairs; `id` is the subscription id. */
  'log:tick': LogTick & { id: number };
  'stats:update': StatsSample;
}

/** The API the preload exposes as `window.paddock` (contextBridge.exposeInMainWorld). */
export interface SupervisorBridge {
  getSnapshot(): Promise<Snapshot>;
  getConfigView(): Promise<ConfigView>;
  previewReload(): Promise<ReloadPreview>;
  applyReload(): Promise<ReloadResult>;
  /** `config:status`: the host's last config load error, if any. */
  getConfigStatus(): Promise<ConfigStatus>;

  startProcess(namespec: string): Promise<true>;
  stopProcess(namespec: string): Promise<true>;
  restartProcess(namespec: string): Promise<true>;
  signalProcess(namespec: string, signal: string): Promise<true>;
  clearProcessLogs(namespec: string): Promise<true>;
  getHistory(namespec: string): Promise<StateTransition[]>;

  startGroup(group: string): Promise<ResultStruct[]>;
  stopGroup(group: string): Promise<ResultStruct[]>;
  restartGroup(group: string): Promise<ResultStruct[]>;
  signalGroup(group: string, signal: string): Promise<ResultStruct[]>;

  startAll(): Promise<ResultStruct[]>;
  stopAll(): Promise<ResultStruct[]>;
  restartAll(): Promise<ResultStruct[]>;
  signalAll(signal: string): Promise<ResultStruct[]>;
  clearAllLogs(): Promise<ResultStruct[]>;

  /** Read `length` bytes (≤ MAX_LOG_READ) at logical `offset`; `namespec` is ignored for 'main'. */
  readLog(namespec: string, stream: LogStream, offset: number, length: number): Promise<LogSlice>;
  /** Case-insensitive (ASCII) literal search over the whole log, including backups. */
  searchLog(namespec: string, stream: LogStream, query: string): Promise<LogSearchResult>;
  getStats(): Promise<StatsSample>;

  /** Every process state change (subscribe first, then load the snapshot; see `Snapshot.seq`). */
  onProcessState(cb: (ev: ProcessStateEvent) => void): Unsubscribe;
  onSupervisorState(cb: (ev: SupervisorStateEvent) => void): Unsubscribe;
  onGroupChange(cb: (ev: GroupChangeEvent) => void): Unsubscribe;
  /** Log growth ticks for one (namespec, stream); the preload calls log:subscribe/unsubscribe. */
  onLog(namespec: string, stream: LogStream, cb: (tick: LogTick) => void): Unsubscribe;
  /** Stats samples about once a second while at least one callback is registered. */
  onStats(cb: (sample: StatsSample) => void): Unsubscribe;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell. */
    paddock?: SupervisorBridge;
  }
}
