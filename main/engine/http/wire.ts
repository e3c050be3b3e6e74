/**
 * The wire shapes shared by every UI host: the browser host's JSON API here, and the Electron IPC
 * contract (`preload/contract.ts` re-exports them). Types and constants only.
 */
import type { ConfigDiff, ConfigInfo } from '../facade.js';
import type { FaultCode, FaultName } from '../model/faults.js';
import type { SupervisorState, SupervisorStateName } from '../model/states.js';
import type {
  Config,
  LogChannel,
  ProcessInfo,
  SourceLocation,
  StateTransition,
} from '../model/types.js';

/** Which log a log call addresses: a process channel, or the daemon's activity log. */
export type LogStream = LogChannel | 'main';

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

/** Largest `length` a single `readLog` may ask for (main rejects more with BAD_ARGUMENTS). */
export const MAX_LOG_READ = 4 * 1024 * 1024;
