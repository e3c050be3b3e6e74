/**
 * Plain domain types shared by the engine, the RPC layer, the Electron shell and the renderer.
 * This module has no imports with runtime effects, so the renderer may type-import it.
 */
import type { EventListenerState, ProcessState, ProcessStateName } from './states.js';

/** Where a config value came from, for error messages and the config view. */
export interface SourceLocation {
  file: string;
  line: number;
}

/** `autorestart`: `unexpected` or a boolean, as in supervisord's `RestartWhenExitUnexpected`. */
export type AutoRestart = 'unexpected' | boolean;

/** A log target: a path, `AUTO` (a file in childlogdir), or null for `NONE`/`OFF`. */
export type LogTarget = string | 'AUTO' | null;

/** Per-channel (stdout / stderr) log settings. */
export interface ChannelConfig {
  logfile: LogTarget;
  logfileMaxbytes: number;
  logfileBackups: number;
  captureMaxbytes: number;
  eventsEnabled: boolean;
  syslog: boolean;
}

/** One process instance of a program, after expansions (supervisord's `ProcessConfig`). */
export interface ProcessConfig {
  /** Process name (`process_name` expanded). */
  name: string;
  /** The `[program:x]` / `[eventlistener:x]` / `[fcgi-program:x]` name. */
  programName: string;
  /** Section name as written, e.g. `program:web`. */
  section: string;
  processNum: number;
  command: string;
  /** `user=` as written (name or number), null when unset. */
  user: string | null;
  directory: string | null;
  umask: number | null;
  priority: number;
  autostart: boolean;
  autorestart: AutoRestart;
  startsecs: number;
  startretries: number;
  exitcodes: number[];
  /** Signal name without the SIG prefix, e.g. `TERM`. */
  stopsignal: string;
  stopwaitsecs: number;
  stopasgroup: boolean;
  killasgroup: boolean;
  redirectStderr: boolean;
  stdout: ChannelConfig;
  stderr: ChannelConfig;
  /** The program's `environment=`, or null when unset (the global one is applied by the engine). */
  environment: Record<string, string> | null;
  /** `serverurl=`: `AUTO`, a URL, or null for none. */
  serverurl: string | null;
  /** Event-listener options (only for `[eventlistener:x]`). */
  listener?: {
    events: string[];
    bufferSize: number;
    resultHandler: string;
  };
  /** fcgi-program options (only for `[fcgi-program:x]`). */
  fcgi?: {
    socket: string;
    socketBacklog: number | null;
    socketOwner: string | null;
    socketMode: number;
  };
  /** file:line of every option that was set explicitly (key = option name). */
  sources: Record<string, SourceLocation>;
}

export type GroupKind = 'program' | 'eventlistener' | 'fcgi-program' | 'group';

/** A process group: a `[program:x]` (homogeneous), `[group:x]`, `[eventlistener:x]` pool, … */
export interface GroupConfig {
  name: string;
  kind: GroupKind;
  priority: number;
  processes: ProcessConfig[];
  source: SourceLocation;
}

export interface UnixHttpServerConfig {
  file: string;
  chmod: number;
  /** `user` or `user:group`, null when unset. */
  chown: string | null;
  username: string | null;
  password: string | null;
}

export interface InetHttpServerConfig {
  /** Empty string for all interfaces (`*:port` or `:port` is all interfaces in supervisord). */
  host: string;
  port: number;
  username: string | null;
  password: string | null;
}

export interface SupervisorctlConfig {
  serverurl: string;
  username: string | null;
  password: string | null;
  prompt: string;
  historyFile: string | null;
}

export type LogLevelName = 'critical' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'blather';

/** The `[supervisord]` section with defaults applied (supervisord's `ServerOptions`). */
export interface SupervisordConfig {
  logfile: string;
  logfileMaxbytes: number;
  logfileBackups: number;
  loglevel: LogLevelName;
  pidfile: string;
  umask: number;
  nodaemon: boolean;
  silent: boolean;
  minfds: number;
  minprocs: number;
  nocleanup: boolean;
  childlogdir: string;
  user: string | null;
  directory: string | null;
  stripAnsi: boolean;
  environment: Record<string, string> | null;
  identifier: string;
}

/** Everything one config file (and its includes) describes. */
export interface Config {
  /** Absolute path of the main config file. */
  configFile: string;
  /** Every file that was read, main file first, then includes in order. */
  files: string[];
  supervisord: SupervisordConfig;
  unixHttpServer: UnixHttpServerConfig | null;
  inetHttpServer: InetHttpServerConfig | null;
  supervisorctl: SupervisorctlConfig;
  /** `[rpcinterface:x]` sections: name → factory. */
  rpcinterfaces: Record<string, string>;
  /** Groups sorted by priority then name, as supervisord's `process_group_configs`. */
  groups: GroupConfig[];
  /** Non-fatal findings (unmatched include glob, ignored stderr_logfile…). */
  warnings: string[];
}

/** supervisord's process-info struct (`getProcessInfo`). */
export interface ProcessInfo {
  name: string;
  group: string;
  description: string;
  start: number;
  stop: number;
  now: number;
  state: ProcessState;
  statename: ProcessStateName;
  spawnerr: string;
  exitstatus: number;
  logfile: string;
  stdout_logfile: string;
  stderr_logfile: string;
  pid: number;
}

/** One state change, as kept in a process's history and carried by PROCESS_STATE events. */
export interface StateTransition {
  /** Milliseconds since the epoch. */
  at: number;
  name: string;
  group: string;
  from: ProcessState;
  to: ProcessState;
  pid: number;
  /** Backoff counter at the time (the `tries` token). */
  tries: number;
  /** For EXITED: whether the exit status was in exitcodes. */
  expected: boolean | null;
  exitstatus: number | null;
}

export type LogChannel = 'stdout' | 'stderr';

/** Payloads of the engine's typed event bus (one bus for listeners, UI pushes and notifications). */
export type EngineEvent =
  | { type: 'process-state'; transition: StateTransition }
  | {
      type: 'process-log';
      name: string;
      group: string;
      channel: LogChannel;
      pid: number;
      data: Buffer;
    }
  | {
      type: 'process-communication';
      name: string;
      group: string;
      channel: LogChannel;
      pid: number;
      data: Buffer;
    }
  | { type: 'remote-communication'; commType: string; data: string }
  | { type: 'supervisor-state'; state: 'RUNNING' | 'STOPPING' }
  | { type: 'process-group'; action: 'added' | 'removed'; group: string }
  | { type: 'tick'; period: 5 | 60 | 3600; when: number }
  | { type: 'listener-state'; name: string; group: string; state: EventListenerState };

export type EngineEventType = EngineEvent['type'];
