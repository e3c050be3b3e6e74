/**
 * The one engine facade every front end calls: the XML-RPC namespaces, the HTTP UI API,
 * the Electron IPC handlers and the tray. Errors are thrown as `SupervisorError` (fault names).
 */
import type { FaultCode } from './model/faults.js';
import type { SupervisorStateName, SupervisorState } from './model/states.js';
import type {
  Config,
  EngineEvent,
  LogChannel,
  ProcessInfo,
  StateTransition,
} from './model/types.js';

/** Result struct of group/all operations: `{name, group, status, description}`. */
export interface ResultStruct {
  name: string;
  group: string;
  status: FaultCode;
  description: string;
}

/** supervisord 4.2.5's config-info struct (`getAllConfigInfo`), field for field (no autorestart). */
export interface ConfigInfo {
  autostart: boolean;
  /** 'none' when unset, as supervisord marshals None. */
  directory: string;
  uid: number | 'none';
  command: string;
  exitcodes: number[];
  group: string;
  group_prio: number;
  inuse: boolean;
  killasgroup: boolean;
  name: string;
  process_prio: number;
  redirect_stderr: boolean;
  startretries: number;
  startsecs: number;
  stdout_capture_maxbytes: number;
  stdout_events_enabled: boolean;
  stdout_logfile: string;
  stdout_logfile_backups: number;
  stdout_logfile_maxbytes: number;
  stdout_syslog: boolean;
  stopsignal: number;
  stopwaitsecs: number;
  stderr_capture_maxbytes: number;
  stderr_events_enabled: boolean;
  stderr_logfile: string;
  stderr_logfile_backups: number;
  stderr_logfile_maxbytes: number;
  stderr_syslog: boolean;
  /** 'none' when unset or AUTO. */
  serverurl: string;
}

/** What `reloadConfig` found: lists of group names. */
export interface ConfigDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

export type Unsubscribe = () => void;

export interface SupervisorFacade {
  /** `[supervisord] identifier`. */
  getIdentification(): string;
  getState(): { statecode: SupervisorState; statename: SupervisorStateName };
  getPID(): number;
  /** The running config (after the last reload/update). */
  getConfig(): Config;

  getProcessInfo(namespec: string): ProcessInfo;
  /** Sorted by group name, then process name. */
  getAllProcessInfo(): ProcessInfo[];
  getAllConfigInfo(): ConfigInfo[];
  /** The state-change history of one process, oldest first (bounded). */
  getProcessHistory(namespec: string): StateTransition[];

  /** A `group:*` namespec delegates to the group and yields its result array, as supervisord. */
  startProcess(namespec: string, wait?: boolean): Promise<true | ResultStruct[]>;
  startProcessGroup(name: string, wait?: boolean): Promise<ResultStruct[]>;
  startAllProcesses(wait?: boolean): Promise<ResultStruct[]>;
  stopProcess(namespec: string, wait?: boolean): Promise<true | ResultStruct[]>;
  stopProcessGroup(name: string, wait?: boolean): Promise<ResultStruct[]>;
  stopAllProcesses(wait?: boolean): Promise<ResultStruct[]>;
  signalProcess(namespec: string, signal: string | number): true | ResultStruct[];
  signalProcessGroup(name: string, signal: string | number): ResultStruct[];
  signalAllProcesses(signal: string | number): ResultStruct[];

  /** supervisord's `readFile` offset rules; throws BAD_ARGUMENTS / NO_FILE / FAILED. */
  readProcessLog(namespec: string, channel: LogChannel, offset: number, length: number): Buffer;
  /** `[bytes, newOffset, overflow]` as `tailFile`. */
  tailProcessLog(
    namespec: string,
    channel: LogChannel,
    offset: number,
    length: number,
  ): [Buffer, number, boolean];
  /** Absolute path of a process's current log file, or null when it has none. */
  getProcessLogPath(namespec: string, channel: LogChannel): string | null;
  clearProcessLogs(namespec: string): true;
  clearAllProcessLogs(): ResultStruct[];
  readMainLog(offset: number, length: number): Buffer;
  getMainLogPath(): string | null;
  clearMainLog(): true;

  sendProcessStdin(namespec: string, data: Buffer | string): true;
  sendRemoteCommEvent(type: string, data: string): true;

  /** Re-reads the config file; throws CANT_REREAD with the errors. Starts/stops nothing. */
  reloadConfig(): ConfigDiff;
  addProcessGroup(name: string): true;
  /**
   * Paddock extension (supervisor #1154): apply the re-read config of one active group by
   * restarting only the processes whose config changed, starting added ones and stopping removed
   * ones; unchanged processes keep running. Resolves with the process names touched.
   */
  updateProcessGroupInPlace?(name: string): Promise<ConfigDiff>;
  removeProcessGroup(name: string): true;

  /** Orderly shutdown of every process, then the daemon exits (the host decides how). */
  shutdown(): true;
  /** Stop everything, re-read the config, start again (SIGHUP). */
  restart(): true;

  /** Every engine event; the listener is called synchronously and must not throw or block. */
  subscribe(listener: (event: EngineEvent) => void): Unsubscribe;
}
