/**
 * The one typed contract between the Electron main process, the preload bridge and the renderer.
 * Types and channel-name constants only: no runtime imports, so main, preload and renderer can all
 * import it. The same shapes are used by the browser host's JSON API (`main/engine/http/ui-api.ts`).
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
import type { FaultCode, FaultName } from '../main/engine/model/faults.js';
import type { SupervisorState, SupervisorStateName } from '../main/engine/model/states.js';
import type {
  Config,
  LogChannel,
  ProcessInfo,
  SourceLocation,
  StateTransition,
} from '../main/engine/model/types.js';

export type { ConfigDiff, ConfigInfo, ResultStruct, Unsubscribe };

/** Which log a log call addresses: a process channel, or the daemon's activity log. */
export type LogStream = LogChannel | 'main';

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

/** Everything the process view needs to paint, with the event sequence number it is current to. */
export interface Snapshot {
  /**
   * Sequence number of the last event folded into this snapshot. Events carry increasing `seq`;
   * the renderer drops pushed events with `seq <= snapshot.seq` (so none is lost or applied twice
   * when it subscribes first and loads the snapshot second).
   */
  seq: number;
  identification: string;
  state: { statecode: SupervisorState; statename: SupervisorStateName };
  pid: number;
  processes: ProcessInfo[];
  /** Group names in config order (priority, then name); includes groups with no processes. */
  groups: string[];
}

/** A process changed state: the transition plus its fresh `ProcessInfo`. */
export interface ProcessStateEvent {
  seq: number;
  transition: StateTransition;
  info: ProcessInfo;
}

export interface SupervisorStateEvent {
  seq: number;
  state: 'RUNNING' | 'STOPPING';
}

/** A group was added or removed (reload applied): the renderer reloads its snapshot. */
export interface GroupChangeEvent {
  seq: number;
  action: 'added' | 'removed';
  group: string;
}

/**
 * A log grew, was rotated or was cleared. Carries sizes, not data: the renderer reads the new
 * bytes with `readLog`, so a child printing 10k lines/s costs one read per tick, not one message
 * per line. Ticks are coalesced (at most ~10 per second per subscription).
 */
export interface LogTick {
  name: string;
  stream: LogStream;
  /** Logical size: the current file plus its rotated backups (see `LogSlice`). */
  size: number;
  /** Changes when the file set changes (rotation, clear, reopen): re-read from scratch. */
  generation: string;
}

/**
 * A byte range of a log. The logical log is the rotated backups, oldest first (`<path>.N` …
 * `<path>.1`), followed by the current file; `offset` addresses that concatenation.
 */
export interface LogSlice {
  /** base64 of the bytes read (may be shorter than requested at the end of the log). */
  data: string;
  offset: number;
  /** Logical size of the whole log at the time of the read. */
  size: number;
  generation: string;
  /** The files making up the logical log, oldest first, with their sizes. */
  files: { path: string; size: number }[];
}

/** Matches of a search over the whole logical log (scanned in bounded chunks on the host). */
export interface LogSearchResult {
  query: string;
  /** Byte offsets of the first `MAX_SEARCH_OFFSETS` matches, ascending. */
  offsets: number[];
  /** Every match in the log (may exceed `offsets.length`). */
  total: number;
  /** Logical size searched. */
  size: number;
}

export const MAX_SEARCH_OFFSETS = 10_000;

/** CPU/memory of one process and its descendants. */
export interface ProcessStats {
  name: string;
  group: string;
  pid: number;
  /** Percent of one core, summed over the process tree (may exceed 100). */
  cpu: number;
  /** Resident set size in bytes, summed over the process tree. */
  memory: number;
  /** Number of processes in the tree (the process itself included). */
  processes: number;
}

export interface StatsSample {
  /** Milliseconds since the epoch. */
  at: number;
  /** Keyed by namespec `group:name`. */
  processes: Record<string, ProcessStats>;
}

/** One effective option of a program, with where it came from (null = default). */
export interface ConfigValue {
  key: string;
  value: string;
  source: SourceLocation | null;
}

export interface ConfigProcessView {
  name: string;
  group: string;
  section: string;
  values: ConfigValue[];
}

export interface ConfigView {
  configFile: string;
  files: string[];
  warnings: string[];
  groups: { name: string; kind: Config['groups'][number]['kind']; source: SourceLocation }[];
  processes: ConfigProcessView[];
  /** supervisord's getAllConfigInfo, for completeness. */
  info: ConfigInfo[];
}

/** What a reload would do, before applying it; `error` holds CANT_REREAD text (file:line). */
export interface ReloadPreview {
  diff: ConfigDiff | null;
  error: string | null;
}

/**
 * The host's view of its configuration file: the last load error, if any. In Electron the host
 * keeps running on an empty fallback config when the file cannot be loaded at start-up
 * (`fallback`); a failed reload keeps the previous config running. In the browser the daemon
 * reports the last failed re-read it saw.
 */
export interface ConfigStatus {
  /** `file:line [section] option: message` lines (the `ConfigError` text), or null when fine. */
  error: string | null;
  /** True while the host runs on an empty fallback config because of `error`. */
  fallback: boolean;
  /** When the error was seen (ms since the epoch), or null. */
  at: number | null;
}

/** The result of applying a reload: the diff plus per-group outcomes. */
export interface ReloadResult {
  diff: ConfigDiff;
  /** One entry per group touched: what was done and the fault name if it failed. */
  actions: { group: string; action: 'added' | 'removed' | 'changed'; error: string | null }[];
}

/** The error shape every failed call rejects with (on IPC and HTTP alike). */
export interface BridgeError {
  faultName: FaultName;
  code: FaultCode;
  message: string;
}

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

/** Largest `length` a single `readLog` may ask for (main rejects more with BAD_ARGUMENTS). */
export const MAX_LOG_READ = 4 * 1024 * 1024;

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
