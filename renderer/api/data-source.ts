/**
 * The data source the UI talks to. Two hosts implement it: the Electron preload bridge
 * (`bridge-source.ts`) and the engine's HTTP server (`http-source.ts`); a later host (a remote
 * supervisord) plugs in by implementing this interface.
 */
import type {
  BridgeError,
  ConfigStatus,
  ConfigView,
  GroupChangeEvent,
  LogSearchResult,
  LogSlice,
  LogStream,
  LogTick,
  ProcessStateEvent,
  ReloadPreview,
  ReloadResult,
  ResultStruct,
  Snapshot,
  StatsSample,
  SupervisorStateEvent,
  Unsubscribe,
} from '../../preload/contract.js';
import { BRIDGE_ERROR_PREFIX } from '../../preload/contract.js';
import type { StateTransition } from '../../main/engine/model/types.js';

/** Callbacks of a live state subscription: a snapshot first, then every later event, in order. */
export interface StateHandlers {
  onSnapshot(snapshot: Snapshot): void;
  onProcessState(ev: ProcessStateEvent): void;
  onSupervisorState?(ev: SupervisorStateEvent): void;
  onGroupChange?(ev: GroupChangeEvent): void;
  /** Connection lost (the source retries by itself and sends a fresh snapshot). */
  onDisconnect?(): void;
}

export interface DataSource {
  readonly kind: 'electron' | 'http';
  /**
   * Live state: calls `onSnapshot` first, then every event newer than the snapshot; no event
   * between the snapshot and the subscription is lost. May call `onSnapshot` again after a
   * reconnect.
   */
  subscribeState(handlers: StateHandlers): Unsubscribe;
  getSnapshot(): Promise<Snapshot>;
  getConfigView(): Promise<ConfigView>;
  previewReload(): Promise<ReloadPreview>;
  applyReload(): Promise<ReloadResult>;
  /** The host's config error, if any; null when the host cannot tell (older host). */
  getConfigStatus(): Promise<ConfigStatus | null>;

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

  readLog(namespec: string, stream: LogStream, offset: number, length: number): Promise<LogSlice>;
  searchLog(namespec: string, stream: LogStream, query: string): Promise<LogSearchResult>;
  getStats(): Promise<StatsSample>;
  onLog(namespec: string, stream: LogStream, cb: (tick: LogTick) => void): Unsubscribe;
  onStats(cb: (sample: StatsSample) => void): Unsubscribe;
}

/** A failed call, carrying the supervisor fault name. */
export class SourceError extends Error {
  readonly faultName: string;
  readonly code: number;
  constructor(e: BridgeError) {
    super(e.message);
    this.name = 'SourceError';
    this.faultName = e.faultName;
    this.code = e.code;
  }
}

/** Turns whatever a host rejected with into a `SourceError`. */
export function toSourceError(err: unknown): SourceError {
  if (err instanceof SourceError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const at = message.indexOf(BRIDGE_ERROR_PREFIX);
  if (at >= 0) {
    try {
      const parsed = JSON.parse(message.slice(at + BRIDGE_ERROR_PREFIX.length)) as BridgeError;
      if (typeof parsed.faultName === 'string') return new SourceError(parsed);
    } catch {
      // fall through
    }
  }
  return new SourceError({ faultName: 'FAILED', code: 30, message });
}

/** Decodes a base64 string to bytes (browser and Node). */
export function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
