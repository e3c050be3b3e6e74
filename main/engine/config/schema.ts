/**
 * The one declarative table of `[program:x]` keys (also used by `[eventlistener:x]` and
 * `[fcgi-program:x]`), in the order supervisord 4.2.5's `_processes_from_section` reads them,
 * with their converter and default. Pure data.
 *
 * `phase` says which expansions a value sees, as in options.py:
 * - `section`: read once before the instance loop: `here, program_name, group_name,
 *   host_node_name` and `ENV_*` (process environment + `[supervisord] environment`).
 * - `raw`: read unexpanded, expanded later by hand (`environment`, `process_name`).
 * - `instance`: read per process instance, additionally seeing `process_num`, `numprocs` and the
 *   program's own `environment` as `ENV_*`.
 * `twice`: supervisord expands the value a second time (so `%%` there must be written `%%%%`).
 */
import {
  autoRestart,
  boolean,
  byteSize,
  integer,
  listOfExitcodes,
  logfileName,
  octal,
  signalName,
} from './datatypes.js';

export type Phase = 'section' | 'raw' | 'instance';

export interface OptionSpec<T> {
  phase: Phase;
  /** Default as supervisord writes it (converted like a user value); null = unset. */
  default: string | null;
  convert: (value: string) => T;
  twice?: boolean;
  /** Human description of the datatype, for docs and `--check`. */
  type: string;
}

function spec<T>(s: OptionSpec<T>): OptionSpec<T> {
  return s;
}

const str = (v: string): string => v;

export const PROGRAM_SCHEMA = {
  priority: spec({ phase: 'section', default: '999', convert: integer, type: 'integer' }),
  autostart: spec({ phase: 'section', default: 'true', convert: boolean, type: 'boolean' }),
  autorestart: spec({
    phase: 'section',
    default: 'unexpected',
    convert: autoRestart,
    type: 'false|unexpected|true',
  }),
  startsecs: spec({ phase: 'section', default: '1', convert: integer, type: 'integer' }),
  startretries: spec({ phase: 'section', default: '3', convert: integer, type: 'integer' }),
  stopsignal: spec({ phase: 'section', default: 'TERM', convert: signalName, type: 'signal' }),
  stopwaitsecs: spec({ phase: 'section', default: '10', convert: integer, type: 'integer' }),
  stopasgroup: spec({ phase: 'section', default: 'false', convert: boolean, type: 'boolean' }),
  /** Default: the value of stopasgroup (handled by the loader). */
  killasgroup: spec({ phase: 'section', default: null, convert: boolean, type: 'boolean' }),
  exitcodes: spec({ phase: 'section', default: '0', convert: listOfExitcodes, type: 'exit codes' }),
  redirect_stderr: spec({ phase: 'section', default: 'false', convert: boolean, type: 'boolean' }),
  numprocs: spec({ phase: 'section', default: '1', convert: integer, type: 'integer' }),
  numprocs_start: spec({ phase: 'section', default: '0', convert: integer, type: 'integer' }),
  environment: spec({ phase: 'raw', default: '', convert: str, type: 'KEY="val",…' }),
  stdout_capture_maxbytes: spec({
    phase: 'section',
    default: '0',
    convert: byteSize,
    type: 'byte size',
  }),
  stdout_events_enabled: spec({
    phase: 'section',
    default: 'false',
    convert: boolean,
    type: 'boolean',
  }),
  stderr_capture_maxbytes: spec({
    phase: 'section',
    default: '0',
    convert: byteSize,
    type: 'byte size',
  }),
  stderr_events_enabled: spec({
    phase: 'section',
    default: 'false',
    convert: boolean,
    type: 'boolean',
  }),
  serverurl: spec({ phase: 'section', default: null, convert: str, type: 'AUTO or URL' }),
  user: spec({ phase: 'section', default: null, convert: str, type: 'user name or uid' }),
  umask: spec({ phase: 'section', default: null, convert: octal, type: 'octal' }),
  process_name: spec({ phase: 'raw', default: '%(program_name)s', convert: str, type: 'name' }),
  directory: spec({ phase: 'instance', default: null, convert: str, type: 'path' }),
  stdout_logfile: spec({
    phase: 'instance',
    default: 'AUTO',
    convert: logfileName,
    twice: true,
    type: 'path, AUTO or NONE',
  }),
  stdout_logfile_backups: spec({
    phase: 'instance',
    default: '10',
    convert: integer,
    type: 'integer',
  }),
  stdout_logfile_maxbytes: spec({
    phase: 'instance',
    default: '50MB',
    convert: byteSize,
    type: 'byte size',
  }),
  stdout_syslog: spec({ phase: 'instance', default: 'false', convert: boolean, type: 'boolean' }),
  stderr_logfile: spec({
    phase: 'instance',
    default: 'AUTO',
    convert: logfileName,
    twice: true,
    type: 'path, AUTO or NONE',
  }),
  stderr_logfile_backups: spec({
    phase: 'instance',
    default: '10',
    convert: integer,
    type: 'integer',
  }),
  stderr_logfile_maxbytes: spec({
    phase: 'instance',
    default: '50MB',
    convert: byteSize,
    type: 'byte size',
  }),
  stderr_syslog: spec({ phase: 'instance', default: 'false', convert: boolean, type: 'boolean' }),
  command: spec({ phase: 'instance', default: null, convert: str, type: 'command line' }),
} as const;

export type ProgramKey = keyof typeof PROGRAM_SCHEMA;
export const PROGRAM_KEYS = Object.keys(PROGRAM_SCHEMA) as ProgramKey[];

/** Keys only `[eventlistener:x]` reads (in `process_groups_from_parser`). */
export const EVENTLISTENER_KEYS = ['buffer_size', 'result_handler', 'events'] as const;
/** Keys only `[fcgi-program:x]` reads. */
export const FCGI_KEYS = ['socket', 'socket_backlog', 'socket_owner', 'socket_mode'] as const;

/** Keys each non-program section reads; anything else is ignored by supervisord (we warn). */
export const SECTION_KEYS: Record<string, readonly string[]> = {
  supervisord: [
    'minfds',
    'minprocs',
    'directory',
    'user',
    'umask',
    'logfile',
    'logfile_maxbytes',
    'logfile_backups',
    'loglevel',
    'pidfile',
    'identifier',
    'nodaemon',
    'silent',
    'childlogdir',
    'nocleanup',
    'strip_ansi',
    'environment',
  ],
  unix_http_server: ['file', 'chmod', 'chown', 'username', 'password'],
  inet_http_server: ['port', 'username', 'password'],
  supervisorctl: ['serverurl', 'username', 'password', 'prompt', 'history_file'],
  include: ['files'],
  group: ['programs', 'priority'],
};

export const DEFAULT_RESULT_HANDLER = 'supervisor.dispatchers:default_handler';
export const STOCK_RPCINTERFACE = 'supervisor.rpcinterface:make_main_rpcinterface';
