/**
 * `paddockd`: supervisord's command line on the Paddock engine.
 * Same options (overriding the config), plus `--check [--json]` to validate a config and exit.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ConfigError, describeConfig, findConfigFile, loadConfig } from '../config/load.js';
import { byteSize, integer, loggingLevel, octal } from '../config/datatypes.js';
import type { UiHandler } from '../http/ui-api.js';
import type { Config } from '../model/types.js';
import {
  DAEMON_ID_VAR,
  findTaggedProcesses,
  readProcStat,
  reapOrphans,
} from '../process/orphans.js';
import { type HttpHandler, HttpServer } from '../rpc/http-server.js';
import { SUPERVISOR_VERSION } from '../rpc/supervisor-namespace.js';
import { Supervisor, unsupportedFeatures } from '../supervisor.js';

export const USAGE = `paddockd -- run a set of applications as daemons (supervisord-compatible).

Usage: paddockd [options]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-n/--nodaemon -- run in the foreground (same as 'nodaemon=true' in config file)
-s/--silent -- no logs to stdout (maps to 'silent=true' in config file)
-h/--help -- print this usage message and exit
-v/--version -- print supervisord version number and exit
-u/--user USER -- run supervisord as this user (or numeric uid)
-m/--umask UMASK -- use this umask for daemon subprocess (default is 022)
-d/--directory DIRECTORY -- directory to chdir to when daemonized
-l/--logfile FILENAME -- use FILENAME as logfile path
-y/--logfile_maxbytes BYTES -- use BYTES to limit the max size of logfile
-z/--logfile_backups NUM -- number of backups to keep when max bytes reached
-e/--loglevel LEVEL -- use LEVEL as log level (debug,info,warn,error,critical)
-j/--pidfile FILENAME -- write a pid file for the daemon process to FILENAME
-i/--identifier STR -- identifier used for this instance of supervisord
-q/--childlogdir DIRECTORY -- the log directory for child process logs
-k/--nocleanup --  prevent the process from performing cleanup (removal of
                   old automatic child log files) at startup.
-a/--minfds NUM -- the minimum number of file descriptors for start success
-t/--strip_ansi -- strip ansi escape codes from process output
--minprocs NUM  -- the minimum number of processes available for start success
--profile_options OPTIONS -- not supported by paddockd (accepted and ignored with a warning)
--check -- read and validate the whole config (includes too), print what would run, exit 0 or 1
--json -- with --check: print the result as JSON
`;

/** Parsed command line; every field optional so the config decides what is not given. */
export interface DaemonArgs {
  configuration?: string;
  nodaemon?: boolean;
  silent?: boolean;
  help?: boolean;
  version?: boolean;
  user?: string;
  umask?: number;
  directory?: string;
  logfile?: string;
  logfileMaxbytes?: number;
  logfileBackups?: number;
  loglevel?: Config['supervisord']['loglevel'];
  pidfile?: string;
  identifier?: string;
  childlogdir?: string;
  nocleanup?: boolean;
  minfds?: number;
  stripAnsi?: boolean;
  minprocs?: number;
  profileOptions?: string;
  check?: boolean;
  json?: boolean;
}

export class UsageError extends Error {}

interface OptSpec {
  short?: string;
  long: string;
  arg: boolean;
  apply(a: DaemonArgs, v: string): void;
}

function conv<T>(name: string, f: (v: string) => T): (v: string) => T {
  return (v) => {
    try {
      return f(v);
    } catch (e) {
      throw new UsageError(
        `invalid value for ${name} ${JSON.stringify(v)}: ${(e as Error).message}`,
      );
    }
  };
}

const OPTS: OptSpec[] = [
  { short: 'c', long: 'configuration', arg: true, apply: (a, v) => (a.configuration = v) },
  { short: 'n', long: 'nodaemon', arg: false, apply: (a) => (a.nodaemon = true) },
  { short: 's', long: 'silent', arg: false, apply: (a) => (a.silent = true) },
  { short: 'h', long: 'help', arg: false, apply: (a) => (a.help = true) },
  { short: 'v', long: 'version', arg: false, apply: (a) => (a.version = true) },
  { short: 'u', long: 'user', arg: true, apply: (a, v) => (a.user = v) },
  { short: 'm', long: 'umask', arg: true, apply: (a, v) => (a.umask = conv('-m', octal)(v)) },
  { short: 'd', long: 'directory', arg: true, apply: (a, v) => (a.directory = v) },
  { short: 'l', long: 'logfile', arg: true, apply: (a, v) => (a.logfile = v) },
  {
    short: 'y',
    long: 'logfile_maxbytes',
    arg: true,
    apply: (a, v) => (a.logfileMaxbytes = conv('-y', byteSize)(v)),
  },
  {
    short: 'z',
    long: 'logfile_backups',
    arg: true,
    apply: (a, v) => (a.logfileBackups = conv('-z', integer)(v)),
  },
  {
    short: 'e',
    long: 'loglevel',
    arg: true,
    apply: (a, v) => (a.loglevel = conv('-e', loggingLevel)(v)),
  },
  { short: 'j', long: 'pidfile', arg: true, apply: (a, v) => (a.pidfile = v) },
  { short: 'i', long: 'identifier', arg: true, apply: (a, v) => (a.identifier = v) },
  { short: 'q', long: 'childlogdir', arg: true, apply: (a, v) => (a.childlogdir = v) },
  { short: 'k', long: 'nocleanup', arg: false, apply: (a) => (a.nocleanup = true) },
  { short: 'a', long: 'minfds', arg: true, apply: (a, v) => (a.minfds = conv('-a', integer)(v)) },
  { short: 't', long: 'strip_ansi', arg: false, apply: (a) => (a.stripAnsi = true) },
  { long: 'minprocs', arg: true, apply: (a, v) => (a.minprocs = conv('--minprocs', integer)(v)) },
  { long: 'profile_options', arg: true, apply: (a, v) => (a.profileOptions = v) },
  { long: 'check', arg: false, apply: (a) => (a.check = true) },
  { long: 'json', arg: false, apply: (a) => (a.json = true) },
];

/** getopt-style parsing: `-c FILE`, `-cFILE`, `-nk`, `--configuration FILE`, `--configuration=FILE`. */
export function parseArgs(argv: string[]): DaemonArgs {
  const a: DaemonArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const tok = argv[i] as string;
    if (tok.startsWith('--')) {
      const eq = tok.indexOf('=');
      const name = tok.slice(2, eq === -1 ? undefined : eq);
      const spec = OPTS.find((o) => o.long === name);
      if (!spec) throw new UsageError(`option --${name} not recognized`);
      if (spec.arg) {
        const v = eq !== -1 ? tok.slice(eq + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`option --${name} requires argument`);
        spec.apply(a, v);
      } else {
        if (eq !== -1) throw new UsageError(`option --${name} must not have an argument`);
        spec.apply(a, '');
      }
    } else if (tok.startsWith('-') && tok.length > 1) {
      for (let j = 1; j < tok.length; j++) {
        const ch = tok[j] as string;
        const spec = OPTS.find((o) => o.short === ch);
        if (!spec) throw new UsageError(`option -${ch} not recognized`);
        if (spec.arg) {
          const rest = tok.slice(j + 1);
          const v = rest !== '' ? rest : argv[++i];
          if (v === undefined) throw new UsageError(`option -${ch} requires argument`);
          spec.apply(a, v);
          break;
        }
        spec.apply(a, '');
      }
    } else {
      throw new UsageError(`positional arguments are not supported: ${JSON.stringify(tok)}`);
    }
  }
  return a;
}

/** Command-line values override the config file's `[supervisord]` section. */
export function applyOverrides(config: Config, a: DaemonArgs, cwd = process.cwd()): Config {
  const s = { ...config.supervisord };
  const abs = (p: string) => path.resolve(cwd, p);
  if (a.nodaemon) s.nodaemon = true;
  if (a.silent) s.silent = true;
  if (a.user !== undefined) s.user = a.user;
  if (a.umask !== undefined) s.umask = a.umask;
  if (a.directory !== undefined) s.directory = abs(a.directory);
  if (a.logfile !== undefined) s.logfile = a.logfile === 'syslog' ? 'syslog' : abs(a.logfile);
  if (a.logfileMaxbytes !== undefined) s.logfileMaxbytes = a.logfileMaxbytes;
  if (a.logfileBackups !== undefined) s.logfileBackups = a.logfileBackups;
  if (a.loglevel !== undefined) s.loglevel = a.loglevel;
  if (a.pidfile !== undefined) s.pidfile = abs(a.pidfile);
  if (a.identifier !== undefined) s.identifier = a.identifier;
  if (a.childlogdir !== undefined) s.childlogdir = abs(a.childlogdir);
  if (a.nocleanup) s.nocleanup = true;
  if (a.minfds !== undefined) s.minfds = a.minfds;
  if (a.stripAnsi) s.stripAnsi = true;
  if (a.minprocs !== undefined) s.minprocs = a.minprocs;
  return { ...config, supervisord: s };
}

/** The seed's runtime-security warnings: config files others can write or another user owns. */
export function securityWarnings(files: string[], uid = process.getuid?.() ?? 0): string[] {
  const out: string[] = [];
  for (const f of files) {
    try {
      const st = fs.statSync(f);
      if (st.mode & 0o022)
        out.push(
          `config file ${f} is writable by group or others; anyone who can edit it can run commands as this user`,
        );
      if (st.uid !== uid)
        out.push(
          `config file ${f} is owned by uid ${st.uid}, not by the user running paddockd (uid ${uid})`,
        );
    } catch {
      /* vanished: the loader reports missing files */
    }
  }
  return out;
}

const err = (msg: string) => process.stderr.write(`${msg}\n`);

/** Soft and hard limits from /proc/self/limits (Linux); null where unreadable. */
export function readLimit(
  name: 'Max open files' | 'Max processes',
  text?: string,
): [number, number] | null {
  let src = text;
  if (src === undefined) {
    try {
      src = fs.readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const line = src.split('\n').find((l) => l.startsWith(name));
  if (!line) return null;
  const [soft, hard] = line.slice(name.length).trim().split(/\s+/);
  const num = (v: string | undefined) => (v === 'unlimited' ? Infinity : Number(v));
  return [num(soft), num(hard)];
}

/** supervisord's minfds/minprocs check (Node already raises the open-files soft limit to the hard one). */
export function rlimitErrors(config: Config, limitsText?: string): string[] {
  const out: string[] = [];
  const { minfds, minprocs } = config.supervisord;
  const fds = readLimit('Max open files', limitsText);
  if (fds && fds[1] < minfds) {
    out.push(
      `The minimum number of file descriptors required to run this process is ${minfds} as per the "minfds" command-line argument or config file setting. The current environment will only allow you to open ${fds[1]} file descriptors.  Either raise the number of usable file descriptors in your environment (see README.rst) or lower the minfds setting in the config file to allow the process to start.`,
    );
  }
  const procs = readLimit('Max processes', limitsText);
  if (procs && procs[1] < minprocs) {
    out.push(
      `The minimum number of available processes required to run this program is ${minprocs} as per the "minprocs" command-line argument or config file setting. The current environment will only allow you to open ${procs[1]} processes.  Either raise the number of usable processes in your environment (see README.rst) or lower the minprocs setting in the config file to allow the program to start.`,
    );
  }
  return out;
}

function uiStaticDir(): string {
  // out/main/engine/cli/paddockd.js → out/renderer
  return fileURLToPath(new URL('../../../renderer/', import.meta.url));
}

/** Entry point; returns the process exit code (or never returns while the daemon runs). */
export async function main(argv: string[]): Promise<number> {
  let args: DaemonArgs;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`Error: ${e.message}\nFor help, use paddockd -h`);
      return 2;
    }
    throw e;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (args.version) {
    process.stdout.write(`${SUPERVISOR_VERSION}\n`);
    return 0;
  }
  const configFile = args.configuration ? path.resolve(args.configuration) : findConfigFile();
  if (!configFile) {
    err(
      'Error: No config file found at default paths (../etc/supervisord.conf, ../supervisord.conf, ./supervisord.conf, ./etc/supervisord.conf, /etc/supervisord.conf, /etc/supervisor/supervisord.conf); use the -c option to specify a config file at a different path\nFor help, use paddockd -h',
    );
    return 2;
  }
  const isRoot = (process.getuid?.() ?? 1) === 0;
  const load = (): Config => applyOverrides(loadConfig(configFile), args);
  let config: Config;
  try {
    config = load();
  } catch (e) {
    if (e instanceof ConfigError) {
      for (const issue of e.message.split('\n')) err(`Error: ${issue}`);
      if (args.check) err(`${configFile}: config is invalid`);
      return args.check ? 1 : 2;
    }
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      err(`Error: could not find config file ${configFile}`);
      return args.check ? 1 : 2;
    }
    throw e;
  }
  const unsupported = unsupportedFeatures(config);
  if (unsupported.length) {
    for (const line of unsupported) err(`Error: ${line}`);
    return args.check ? 1 : 2;
  }
  const limits = rlimitErrors(config);
  if (limits.length && !args.check) {
    for (const line of limits) err(`Error: ${line}`);
    return 2;
  }
  const warnings = securityWarnings(config.files);
  if (isRoot && !args.configuration) {
    warnings.unshift(
      'Supervisord is running as root and it is searching for its configuration file in default locations (including its current working directory); you probably want to specify a "-c" argument specifying an absolute path to a configuration file for improved security.',
    );
  }
  if (args.profileOptions !== undefined)
    warnings.push('--profile_options is not supported by paddockd; ignored');
  if (args.check) {
    const d = describeConfig(config);
    if (args.json)
      process.stdout.write(
        `${JSON.stringify({ ok: true, configFile, warnings: [...config.warnings, ...warnings], ...(d.json as object) }, null, 2)}\n`,
      );
    else {
      for (const w of [...config.warnings, ...warnings]) err(`WARN ${w}`);
      process.stdout.write(d.text.endsWith('\n') ? d.text : `${d.text}\n`);
    }
    return 0;
  }

  if (!config.supervisord.nodaemon && process.env.PADDOCKD_DAEMON_CHILD !== '1') {
    return daemonize(argv, config);
  }
  if (process.env.PADDOCKD_DAEMON_CHILD === '1') {
    // The launching command reads our stderr only until we are up, then closes it: a later write
    // (a Node warning, say) must not turn EPIPE into a crash.
    process.stderr.on('error', () => undefined);
    if (config.supervisord.directory) process.chdir(config.supervisord.directory);
  }
  process.umask(config.supervisord.umask);

  if (config.supervisord.user && isRoot) {
    const { lookupUser } = await import('../process/users.js');
    const u = lookupUser(config.supervisord.user);
    if (!u) {
      err(`Error: Can't find username '${config.supervisord.user}'`);
      return 2;
    }
    process.setgid?.(u.gid);
    process.setuid?.(u.uid);
  } else if (config.supervisord.user) {
    const { lookupUser } = await import('../process/users.js');
    if (lookupUser(config.supervisord.user)?.uid !== process.getuid?.()) {
      err("Error: Can't drop privilege as nonroot user");
      return 2;
    }
  }
  return runDaemon(config, load, warnings);
}

/** Re-run ourselves detached with the same arguments; wait until the child wrote its pidfile. */
async function daemonize(argv: string[], config: Config): Promise<number> {
  const script = process.argv[1] as string;
  const child = spawn(process.execPath, [script, ...argv], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PADDOCKD_DAEMON_CHILD: '1' },
    cwd: config.supervisord.directory ?? process.cwd(),
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const pidfile = config.supervisord.pidfile;
  const code = await new Promise<number>((resolve) => {
    const timer = setInterval(() => {
      try {
        if (Number(fs.readFileSync(pidfile, 'utf8').trim()) === child.pid) {
          clearInterval(timer);
          resolve(0);
        }
      } catch {
        /* not yet */
      }
    }, 20);
    child.once('exit', (c) => {
      clearInterval(timer);
      resolve(c ?? 1);
    });
  });
  if (stderr) process.stderr.write(stderr);
  child.stderr?.destroy();
  child.unref();
  return code;
}

/** The pid of a live paddockd holding `pidfile`, or null. */
async function runningDaemon(pidfile: string): Promise<number | null> {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(pidfile, 'utf8').trim(), 10);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 1 || pid === process.pid) return null;
  if ((await readProcStat(pid)) === null) return null;
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('paddockd') ? pid : null;
  } catch {
    return null;
  }
}

async function runDaemon(config: Config, load: () => Config, warnings: string[]): Promise<number> {
  const s = config.supervisord;
  const echo = s.nodaemon && !s.silent ? process.stdout : null;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => (resolveExit = r));
  const other = await runningDaemon(s.pidfile);
  if (other !== null) {
    err(`Error: another paddockd (pid ${other}) is already running with pidfile ${s.pidfile}`);
    return 2;
  }
  const daemonId = createHash('sha1').update(path.resolve(s.pidfile)).digest('hex').slice(0, 16);
  // The last failed re-read (reread, update, SIGHUP): the web UI shows it until a re-read succeeds.
  const status: { error: string | null; at: number | null } = { error: null, at: null };
  const reload = (): Config => {
    try {
      const c = load();
      status.error = null;
      status.at = null;
      return c;
    } catch (e) {
      status.error = e instanceof Error ? e.message : String(e);
      status.at = Date.now();
      throw e;
    }
  };
  const sup = new Supervisor(config, {
    echo,
    reload,
    onShutdown: () => resolveExit(0),
    environ: { ...process.env, [DAEMON_ID_VAR]: daemonId },
  });
  for (const w of warnings) sup.logger.warn(w);

  try {
    fs.writeFileSync(s.pidfile, `${process.pid}\n`);
  } catch (e) {
    err(`Error: could not write pidfile ${s.pidfile}: ${(e as Error).message}`);
    return 2;
  }

  // Children (and their descendants) of a previous paddockd with this pidfile that was killed
  // (SIGKILL, OOM, power loss) may still run: stop them before starting anything, so no service
  // ever runs twice. They are recognised by the PADDOCK_DAEMON_ID every child inherits.
  const orphans = await findTaggedProcesses(daemonId);
  if (orphans.length) {
    sup.logger.warn(
      `found ${orphans.length} process(es) left running by a previous paddockd that did not shut down: ${orphans.map((o) => `${o.namespec} (pid ${o.pid})`).join(', ')}; stopping them`,
    );
    for (const r of await reapOrphans(orphans)) {
      (r.outcome === 'survived' ? sup.logger.error : sup.logger.warn).call(
        sup.logger,
        `orphan ${r.namespec} (pid ${r.pid}): ${r.outcome}`,
      );
    }
  }

  // The web UI's API (and its validation library) loads on its first request: a daemon that is
  // only driven by supervisorctl never pays its memory.
  let uiHandler: Promise<UiHandler> | null = null;
  const ui: HttpHandler = async (req, res) => {
    uiHandler ??= import('../http/ui-api.js').then((m) =>
      m.createUiHandler(sup, {
        staticDir: uiStaticDir(),
        configStatus: () => ({ error: status.error, fallback: false, at: status.at }),
      }),
    );
    return (await uiHandler)(req, res);
  };
  let http = new HttpServer({
    facade: sup,
    config,
    handlers: [ui],
    log: (level, msg) => sup.logger.log(level, msg),
  });
  try {
    await http.start();
  } catch (e) {
    err(
      `Error: Another program is already listening on a port that one of our HTTP servers is configured to use (${(e as Error).message}).  Shut this program down first before starting paddockd.`,
    );
    fs.rmSync(s.pidfile, { force: true });
    return 2;
  }
  if (config.inetHttpServer) {
    const h = config.inetHttpServer;
    sup.logger.info(`inet_http_server: serving on http://${h.host || '*'}:${h.port} (web UI at /)`);
  }

  let shuttingDown = false;
  const shutdown = (why: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    sup.logger.warn(`received ${why} indicating exit request`);
    void sup.shutdownAndWait().then(() => resolveExit(0));
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGQUIT', () => shutdown('SIGQUIT'));
  process.on('SIGHUP', () => {
    if (shuttingDown) {
      sup.logger.warn('ignored SIGHUP indicating restart request (shutdown in progress)');
      return;
    }
    sup.logger.warn('received SIGHUP indicating restart request');
    void sup.restartAndWait();
  });
  process.on('SIGUSR2', () => {
    sup.logger.info('received SIGUSR2 indicating log reopen request');
    void sup.reopenLogs();
  });
  process.on('SIGPIPE', () => undefined);
  // Without a handler, SIGUSR1 makes Node open its inspector on 127.0.0.1:9229, which would let
  // any local user run code as this daemon. supervisord gives the signal no meaning either.
  process.on('SIGUSR1', () => sup.logger.blather('received SIGUSR1 indicating nothing'));

  // After a restart (SIGHUP or RPC `restart()`), rebind the HTTP servers if their config changed.
  sup.subscribe((e) => {
    if (e.type === 'supervisor-state' && e.state === 'RUNNING' && config !== sup.getConfig()) {
      const next = sup.getConfig();
      if (
        JSON.stringify([next.unixHttpServer, next.inetHttpServer]) !==
        JSON.stringify([config.unixHttpServer, config.inetHttpServer])
      ) {
        void (async () => {
          await http.close();
          http = new HttpServer({
            facade: sup,
            config: next,
            handlers: [ui],
            log: (l, m) => sup.logger.log(l, m),
          });
          await http.start();
        })();
      }
      config = next;
    }
  });

  const fatal = (e: unknown) => {
    sup.logger.critical(
      `internal error, stopping every child before exiting: ${(e as Error)?.stack ?? String(e)}`,
    );
    shutdown('an internal error');
  };
  process.on('uncaughtException', fatal);
  process.on('unhandledRejection', fatal);

  // A daemon runs until told to stop, even with no server configured and every child exited
  // (Node would otherwise exit once its event loop has nothing left to wait for).
  const keepAlive = setInterval(() => undefined, 1 << 30);
  await sup.start();
  const code = await exited;
  clearInterval(keepAlive);
  const openUi = uiHandler as Promise<UiHandler> | null;
  if (openUi) (await openUi).close();
  await http.close();
  fs.rmSync(s.pidfile, { force: true });
  return code;
}
