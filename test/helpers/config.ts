/** Builders for engine Config objects in tests (no config parser involved). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type {
  ChannelConfig,
  Config,
  GroupConfig,
  ProcessConfig,
} from '../../main/engine/model/types.js';

export const PROGRAMS = path.resolve(import.meta.dirname, '../fixtures/programs');
export const NODE = process.execPath;

export function tempDir(prefix = 'paddock-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

function channel(over: Partial<ChannelConfig> = {}): ChannelConfig {
  return {
    logfile: 'AUTO',
    logfileMaxbytes: 50 * 1024 * 1024,
    logfileBackups: 10,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
    ...over,
  };
}

export type ProgramOverrides = Partial<Omit<ProcessConfig, 'stdout' | 'stderr'>> & {
  stdout?: Partial<ChannelConfig>;
  stderr?: Partial<ChannelConfig>;
};

export function program(name: string, command: string, over: ProgramOverrides = {}): ProcessConfig {
  const { stdout, stderr, ...rest } = over;
  return {
    name,
    programName: name,
    section: `program:${name}`,
    processNum: 0,
    command,
    user: null,
    directory: null,
    umask: null,
    priority: 999,
    autostart: true,
    autorestart: 'unexpected',
    startsecs: 1,
    startretries: 3,
    exitcodes: [0],
    stopsignal: 'TERM',
    stopwaitsecs: 10,
    stopasgroup: false,
    killasgroup: false,
    redirectStderr: false,
    stdout: channel(stdout),
    stderr: channel(stderr),
    environment: null,
    serverurl: 'AUTO',
    sources: {},
    ...rest,
  };
}

export function group(name: string, processes: ProcessConfig[], priority = 999): GroupConfig {
  return { name, kind: 'program', priority, processes, source: { file: 'test.conf', line: 1 } };
}

/** A Config whose logs live in `dir`. */
export function config(
  dir: string,
  groups: GroupConfig[],
  over: Partial<Config['supervisord']> = {},
): Config {
  return {
    configFile: path.join(dir, 'supervisord.conf'),
    files: [path.join(dir, 'supervisord.conf')],
    supervisord: {
      logfile: path.join(dir, 'supervisord.log'),
      logfileMaxbytes: 50 * 1024 * 1024,
      logfileBackups: 10,
      loglevel: 'info',
      pidfile: path.join(dir, 'supervisord.pid'),
      umask: 0o22,
      nodaemon: true,
      silent: true,
      minfds: 1024,
      minprocs: 200,
      nocleanup: false,
      childlogdir: dir,
      user: null,
      directory: null,
      stripAnsi: false,
      environment: null,
      identifier: 'supervisor',
      ...over,
    },
    unixHttpServer: null,
    inetHttpServer: null,
    supervisorctl: {
      serverurl: 'http://localhost:9001',
      username: null,
      password: null,
      prompt: 'supervisor',
      historyFile: null,
    },
    rpcinterfaces: { supervisor: 'supervisor.rpcinterface:make_main_rpcinterface' },
    groups,
    warnings: [],
  };
}

/** `node <fixture> args…` as a command line. */
export function nodeCmd(fixture: string, ...args: (string | number)[]): string {
  return [NODE, path.join(PROGRAMS, fixture), ...args.map(String)].join(' ');
}

/** True when a pid is alive (a zombie waiting to be reaped by init counts as dead). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
