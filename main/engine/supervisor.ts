/**
 * The supervision engine: process groups, daemon lifecycle and every facade operation.
 * Semantics follow supervisord 4.2.5 (`supervisord.py`, `rpcinterface.py`); timing is event-driven.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { EventBus } from './events/bus.js';
import { EventHub, type EventListenerPool } from './events/listener-pool.js';
import type {
  ConfigDiff,
  ConfigInfo,
  ResultStruct,
  SupervisorFacade,
  Unsubscribe,
} from './facade.js';
import { MainLogger } from './logs/main-logger.js';
import { Faults, SupervisorError } from './model/faults.js';
import {
  isRunning,
  isStopped,
  type ProcessState,
  ProcessStates as S,
  SIGNALLABLE_STATES,
  stateName,
  type SupervisorState,
  supervisorStateName,
  SupervisorStates,
} from './model/states.js';
import type {
  Config,
  EngineEvent,
  GroupConfig,
  LogChannel,
  ProcessConfig,
  ProcessInfo,
  StateTransition,
} from './model/types.js';
import { type Clock, systemClock } from './process/clock.js';
import { signalNumber } from './process/signals.js';
import { nodeSpawner, type Spawner } from './process/spawner.js';
import { type ProcessContext, Subprocess } from './process/subprocess.js';
import { lookupUser } from './process/users.js';

export interface SupervisorOptions {
  clock?: Clock;
  spawner?: Spawner;
  /** The environment children inherit (default: process.env). */
  environ?: Record<string, string | undefined>;
  /** Echo the activity log here (paddockd -n without silent). */
  echo?: NodeJS.WritableStream | null;
  /** Re-reads the config file for reloadConfig / restart; throws a ConfigError on bad input. */
  reload?: () => Config;
  /** Called once the daemon has stopped everything after `shutdown()`. */
  onShutdown?: () => void;
}

/** A process group: a program's processes, a `[group:x]`, or an event-listener pool. */
export class ProcessGroup {
  readonly processes = new Map<string, Subprocess>();
  /** The listener pool of an `[eventlistener:x]` group. */
  pool: EventListenerPool | null = null;
  constructor(readonly config: GroupConfig) {}

  /** Processes sorted by priority (then name), as supervisord's `processes.sort()`. */
  sorted(): Subprocess[] {
    return [...this.processes.values()].sort(
      (a, b) => a.config.priority - b.config.priority || cmp(a.name, b.name),
    );
  }

  unstopped(): Subprocess[] {
    return [...this.processes.values()].filter((p) => !isStopped(p.state));
  }

  /** supervisord's `stop_all`: RUNNING/STARTING → STOPPING, BACKOFF → FATAL, highest priority first. */
  stopAll(): void {
    for (const p of this.sorted().reverse()) {
      if (p.state === S.RUNNING || p.state === S.STARTING) p.stop();
      else if (p.state === S.BACKOFF) p.giveUp();
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** supervisord's `split_namespec`. */
export function splitNamespec(namespec: string): [string, string | null] {
  const i = namespec.indexOf(':');
  if (i === -1) return [namespec, namespec];
  const proc = namespec.slice(i + 1);
  return [namespec.slice(0, i), proc === '' || proc === '*' ? null : proc];
}

const AUTO_LOG_RE = (identifier: string) =>
  new RegExp(`^.+?---${identifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-\\S+\\.log\\.?\\d{0,4}`);

export class Supervisor implements SupervisorFacade {
  private config: Config;
  private readonly clock: Clock;
  private readonly spawner: Spawner;
  private readonly environ: Record<string, string | undefined>;
  private readonly echo: NodeJS.WritableStream | null;
  private readonly reloadFn: (() => Config) | undefined;
  private readonly onShutdown: (() => void) | undefined;
  readonly bus = new EventBus();
  /** Event-listener pools' serials and the TICK timers. */
  readonly events: EventHub;
  logger: MainLogger;
  private mood: SupervisorState = SupervisorStates.RUNNING;
  readonly groups = new Map<string, ProcessGroup>();
  private stopping: Promise<void> | null = null;
  private readonly ctx: ProcessContext;
  /** AUTO log paths are chosen once per process name, as supervisord's create_autochildlogs. */
  private readonly autoLogs = new Map<string, string>();
  private started = false;

  constructor(config: Config, opts: SupervisorOptions = {}) {
    this.config = config;
    this.clock = opts.clock ?? systemClock;
    this.spawner = opts.spawner ?? nodeSpawner;
    this.environ = opts.environ ?? process.env;
    this.echo = opts.echo ?? null;
    this.reloadFn = opts.reload;
    this.onShutdown = opts.onShutdown;
    this.logger = this.makeLogger(config);
    this.ctx = {
      clock: this.clock,
      spawner: this.spawner,
      logger: this.logger,
      emit: (e) => this.bus.emit(e),
      canSpawn: () => this.mood > SupervisorStates.RESTARTING,
      environ: this.environ,
      serverUrl: serverUrlOf(config),
      stripAnsi: config.supervisord.stripAnsi,
      currentUid: process.getuid?.() ?? 0,
      globalEnvironment: config.supervisord.environment,
    };
    this.events = new EventHub({
      bus: this.bus,
      clock: this.clock,
      logger: () => this.logger,
      identifier: () => this.config.supervisord.identifier,
    });
  }

  private makeLogger(config: Config): MainLogger {
    const s = config.supervisord;
    return new MainLogger({
      level: s.loglevel,
      file: s.logfile,
      maxBytes: s.logfileMaxbytes,
      backups: s.logfileBackups,
      echo: this.echo,
      now: () => this.clock.now(),
    });
  }

  /** Create every group and autostart, in priority order (supervisord's first loop tick). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    const s = this.config.supervisord;
    if (!s.nocleanup) this.clearAutoChildLogDir();
    for (const w of this.config.warnings) this.logger.warn(w);
    this.mood = SupervisorStates.RUNNING;
    for (const g of this.config.groups) this.addGroup(g);
    this.logger.info(`supervisord started with pid ${process.pid}`);
    this.bus.emit({ type: 'supervisor-state', state: 'RUNNING' });
    this.events.startTicks();
    this.transitionAll();
  }

  /** Run every process's transition in group priority order (autostart, retries). */
  private transitionAll(): void {
    for (const g of this.sortedGroups()) for (const p of g.sorted()) p.transition();
  }

  private sortedGroups(): ProcessGroup[] {
    return [...this.groups.values()].sort(
      (a, b) => a.config.priority - b.config.priority || cmp(a.config.name, b.config.name),
    );
  }

  private addGroup(gconfig: GroupConfig): boolean {
    if (this.groups.has(gconfig.name)) return false;
    const group = new ProcessGroup(gconfig);
    for (const pconfig of gconfig.processes) {
      group.processes.set(
        pconfig.name,
        new Subprocess(pconfig, gconfig.name, this.ctx, {
          stdout: this.resolveLogPath(pconfig, 'stdout'),
          stderr: this.resolveLogPath(pconfig, 'stderr'),
        }),
      );
    }
    group.pool = this.events.poolFor(gconfig, group.processes.values());
    this.groups.set(gconfig.name, group);
    this.bus.emit({ type: 'process-group', action: 'added', group: gconfig.name });
    return true;
  }

  private resolveLogPath(p: ProcessConfig, channel: LogChannel): string | null {
    const target = p[channel].logfile;
    if (target === null) return null;
    if (target !== 'AUTO') return target;
    const key = `${p.name}\0${channel}`;
    const known = this.autoLogs.get(key);
    if (known) return known;
    const s = this.config.supervisord;
    // mkstemp-style unique name: <name>-<channel>---<identifier>-<random>.log
    for (;;) {
      const rand = randomBytes(6).toString('base64url').replace(/[-]/g, '_').slice(0, 8);
      const file = path.join(s.childlogdir, `${p.name}-${channel}---${s.identifier}-${rand}.log`);
      try {
        fs.closeSync(fs.openSync(file, 'wx', 0o600));
        this.autoLogs.set(key, file);
        return file;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
          this.logger.error(`cannot create AUTO log ${file}: ${(e as Error).message}`);
          return null;
        }
      }
    }
  }

  private clearAutoChildLogDir(): void {
    const { childlogdir, identifier } = this.config.supervisord;
    const re = AUTO_LOG_RE(identifier);
    let names: string[];
    try {
      names = fs.readdirSync(childlogdir);
    } catch {
      this.logger.warn('Could not clear childlog dir');
      return;
    }
    for (const n of names) {
      if (!re.test(n)) continue;
      try {
        fs.unlinkSync(path.join(childlogdir, n));
      } catch {
        this.logger.warn(`Failed to clean up '${path.join(childlogdir, n)}'`);
      }
    }
  }

  // ---------------------------------------------------------------- lifecycle

  /** Stop every group, one priority level at a time from the highest (groups of equal priority together). */
  private stopAllOrdered(): Promise<void> {
    this.bus.emit({ type: 'supervisor-state', state: 'STOPPING' });
    const levels = new Map<number, ProcessGroup[]>();
    for (const g of this.groups.values()) {
      const l = levels.get(g.config.priority) ?? [];
      l.push(g);
      levels.set(g.config.priority, l);
    }
    const order = [...levels.keys()].sort((a, b) => b - a);
    return (async () => {
      for (const prio of order) {
        const batch = levels.get(prio) ?? [];
        for (const g of batch) g.stopAll();
        await this.waitUntil(
          () => batch.every((g) => g.unstopped().length === 0),
          () => {
            const names = batch.flatMap((g) => g.unstopped().map((p) => p.name));
            if (names.length) this.logger.info(`waiting for ${names.join(', ')} to die`);
          },
        );
        // Grandchildren left by exited children go with their group (a Paddock addition).
        await Promise.all(
          batch.flatMap((g) => [...g.processes.values()].map((p) => p.stopLingeringGroups())),
        );
      }
    })();
  }

  /** Resolve when `done()` holds, re-checking after every state change; `report` runs every 3 s. */
  private waitUntil(done: () => boolean, report?: () => void): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = report ? setInterval(report, 3000) : null;
      const unsub = this.bus.subscribe((e) => {
        if (e.type !== 'process-state') return;
        if (done()) {
          unsub();
          if (timer) clearInterval(timer);
          resolve();
        }
      });
    });
  }

  /** Orderly shutdown; resolves when every child has stopped and logs are flushed. */
  shutdownAndWait(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.mood = SupervisorStates.SHUTDOWN;
    this.logger.info('supervisord is shutting down');
    this.stopping = (async () => {
      await this.stopAllOrdered();
      this.events.stopTicks();
      for (const g of this.groups.values()) for (const p of g.processes.values()) await p.dispose();
      this.logger.info('stopped all processes; exiting');
      await this.logger.close();
    })();
    return this.stopping;
  }

  /** Stop all, re-read the config (keeping the old one if it is invalid), start again. */
  async restartAndWait(): Promise<void> {
    if (this.stopping) return;
    this.mood = SupervisorStates.RESTARTING;
    this.logger.info('supervisord is restarting');
    await this.stopAllOrdered();
    this.events.stopTicks();
    for (const g of this.groups.values()) g.pool?.dispose();
    for (const g of this.groups.values()) for (const p of g.processes.values()) await p.dispose();
    this.groups.clear();
    if (this.reloadFn) {
      try {
        this.config = this.reloadFn();
      } catch (e) {
        this.logger.error(
          `config reload failed, restarting with the previous config:\n${(e as Error).message}`,
        );
      }
    }
    await this.logger.close();
    this.logger = this.makeLogger(this.config);
    this.ctx.logger = this.logger;
    this.ctx.serverUrl = serverUrlOf(this.config);
    this.ctx.stripAnsi = this.config.supervisord.stripAnsi;
    this.ctx.globalEnvironment = this.config.supervisord.environment;
    this.autoLogs.clear();
    this.started = false;
    await this.start();
  }

  /** SIGUSR2: reopen the activity log and every child log. */
  async reopenLogs(): Promise<void> {
    this.logger.info('supervisord logreopen');
    await this.logger.file?.reopen();
    await Promise.all(
      [...this.groups.values()].flatMap((g) =>
        [...g.processes.values()].map((p) => p.reopenLogs()),
      ),
    );
  }

  // ---------------------------------------------------------------- facade: daemon

  private update(): void {
    if (this.mood < SupervisorStates.RUNNING) throw new SupervisorError('SHUTDOWN_STATE');
  }

  getIdentification(): string {
    this.update();
    return this.config.supervisord.identifier;
  }

  getState() {
    return { statecode: this.mood, statename: supervisorStateName(this.mood) };
  }

  getPID(): number {
    this.update();
    return process.pid;
  }

  getConfig(): Config {
    return this.config;
  }

  shutdown(): true {
    this.update();
    void this.shutdownAndWait().then(() => this.onShutdown?.());
    return true;
  }

  restart(): true {
    this.update();
    this.mood = SupervisorStates.RESTARTING;
    setImmediate(() => void this.restartAndWait());
    return true;
  }

  subscribe(listener: (event: EngineEvent) => void): Unsubscribe {
    return this.bus.subscribe(listener);
  }

  // ---------------------------------------------------------------- lookups

  private groupAndProcess(namespec: string): [ProcessGroup, Subprocess | null] {
    const [gname, pname] = splitNamespec(namespec);
    const group = this.groups.get(gname);
    if (!group) throw new SupervisorError('BAD_NAME', namespec);
    if (pname === null) return [group, null];
    const proc = group.processes.get(pname);
    if (!proc) throw new SupervisorError('BAD_NAME', namespec);
    return [group, proc];
  }

  private process(namespec: string): Subprocess {
    const [, p] = this.groupAndProcess(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    return p;
  }

  /** All processes: groups by name, processes by priority (supervisord's `_getAllProcesses`). */
  private allProcesses(): [ProcessGroup, Subprocess][] {
    const groups = [...this.groups.values()].sort((a, b) => cmp(a.config.name, b.config.name));
    return groups.flatMap((g) => g.sorted().map((p) => [g, p] as [ProcessGroup, Subprocess]));
  }

  /** Look up a process object (for hosts that need more than the facade: listeners, stats). */
  findProcess(namespec: string): Subprocess | null {
    try {
      return this.process(namespec);
    } catch {
      return null;
    }
  }

  // ---------------------------------------------------------------- facade: info

  getProcessInfo(namespec: string): ProcessInfo {
    this.update();
    const [g, p] = this.groupAndProcess(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    return this.info(g, p);
  }

  getAllProcessInfo(): ProcessInfo[] {
    this.update();
    const all = [...this.groups.values()].flatMap((g) =>
      [...g.processes.values()].map((p) => this.info(g, p)),
    );
    return all.sort((a, b) => cmp(a.group, b.group) || cmp(a.name, b.name));
  }

  private info(g: ProcessGroup, p: Subprocess): ProcessInfo {
    const now = Math.trunc(this.clock.now() / 1000);
    const info: ProcessInfo = {
      name: p.name,
      group: g.config.name,
      start: Math.trunc(p.laststart / 1000),
      stop: Math.trunc(p.laststop / 1000),
      now,
      state: p.state,
      statename: stateName(p.state),
      spawnerr: p.spawnerr ?? '',
      exitstatus: p.exitstatus ?? 0,
      logfile: p.stdoutLogPath ?? '',
      stdout_logfile: p.stdoutLogPath ?? '',
      stderr_logfile: p.stderrLogPath ?? '',
      pid: p.pid,
      description: '',
    };
    info.description = describe(info);
    return info;
  }

  getProcessHistory(namespec: string): StateTransition[] {
    return [...this.process(namespec).history];
  }

  getAllConfigInfo(): ConfigInfo[] {
    this.update();
    const out: ConfigInfo[] = [];
    const uids = new Map<string, number | 'none'>();
    for (const g of this.config.groups) {
      const active = this.groups.get(g.name);
      const inuse = active !== undefined;
      for (const p of g.processes) {
        const live = active?.processes.get(p.name);
        const logName = (ch: LogChannel): string => {
          if (live) {
            const v = ch === 'stdout' ? live.stdoutLogPath : live.stderrLogPath;
            if (v) return v;
          }
          const t = p[ch].logfile;
          return t === null ? 'none' : t === 'AUTO' ? 'auto' : t;
        };
        let uid: number | 'none' = 'none';
        if (p.user !== null) {
          // /etc/passwd is read once per call, not once per process
          if (!uids.has(p.user)) uids.set(p.user, lookupUser(p.user)?.uid ?? 'none');
          uid = uids.get(p.user) ?? 'none';
        }
        out.push({
          autostart: p.autostart,
          directory: p.directory ?? 'none',
          uid,
          command: p.command,
          exitcodes: p.exitcodes,
          group: g.name,
          group_prio: g.priority,
          inuse,
          killasgroup: p.killasgroup,
          name: p.name,
          process_prio: p.priority,
          redirect_stderr: p.redirectStderr,
          startretries: p.startretries,
          startsecs: p.startsecs,
          stdout_capture_maxbytes: p.stdout.captureMaxbytes,
          stdout_events_enabled: p.stdout.eventsEnabled,
          stdout_logfile: logName('stdout'),
          stdout_logfile_backups: p.stdout.logfileBackups,
          stdout_logfile_maxbytes: p.stdout.logfileMaxbytes,
          stdout_syslog: p.stdout.syslog,
          stopsignal: signalNumber(p.stopsignal) ?? 15,
          stopwaitsecs: p.stopwaitsecs,
          stderr_capture_maxbytes: p.stderr.captureMaxbytes,
          stderr_events_enabled: p.stderr.eventsEnabled,
          stderr_logfile:
            p.redirectStderr && p.stderr.logfile === 'AUTO' ? 'none' : logName('stderr'),
          stderr_logfile_backups: p.stderr.logfileBackups,
          stderr_logfile_maxbytes: p.stderr.logfileMaxbytes,
          stderr_syslog: p.stderr.syslog,
          serverurl: p.serverurl === null || p.serverurl === 'AUTO' ? 'none' : p.serverurl,
        });
      }
    }
    return out.sort((a, b) => cmp(a.name, b.name));
  }

  // ---------------------------------------------------------------- facade: control

  async startProcess(namespec: string, wait = true): Promise<true | ResultStruct[]> {
    this.update();
    const [g, p] = this.groupAndProcess(namespec);
    if (!p) return this.startProcessGroup(g.config.name, wait);
    const execv = p.execvArgs();
    if (!execv.ok) {
      if (execv.problem.kind === 'NotFound')
        throw new SupervisorError('NO_FILE', execv.problem.message);
      throw new SupervisorError('NOT_EXECUTABLE', execv.problem.message);
    }
    if (isRunning(p.state)) throw new SupervisorError('ALREADY_STARTED', namespec);
    if (p.state === S.UNKNOWN) {
      throw new SupervisorError('FAILED', `${namespec} is in an unknown process state`);
    }
    p.spawn();
    if (p.spawnerr) throw new SupervisorError('SPAWN_ERROR', namespec);
    p.transition();
    if (!wait || (p.state as ProcessState) === S.RUNNING) return true;
    await this.waitUntil(() => p.state !== S.STARTING || p.spawnerr !== null);
    if (p.spawnerr) throw new SupervisorError('SPAWN_ERROR', namespec);
    if (p.state !== S.RUNNING) throw new SupervisorError('ABNORMAL_TERMINATION', namespec);
    return true;
  }

  async startProcessGroup(name: string, wait = true): Promise<ResultStruct[]> {
    this.update();
    const g = this.groups.get(name);
    if (!g) throw new SupervisorError('BAD_NAME', name);
    return this.allFunc(
      g.sorted().map((p) => [g, p]),
      (p) => !isRunning(p.state),
      (ns) => this.startProcess(ns, wait),
    );
  }

  async startAllProcesses(wait = true): Promise<ResultStruct[]> {
    this.update();
    return this.allFunc(
      this.allProcesses(),
      (p) => !isRunning(p.state),
      (ns) => this.startProcess(ns, wait),
    );
  }

  async stopProcess(namespec: string, wait = true): Promise<true | ResultStruct[]> {
    this.update();
    const [g, p] = this.groupAndProcess(namespec);
    if (!p) return this.stopProcessGroup(g.config.name, wait);
    if (!isRunning(p.state)) throw new SupervisorError('NOT_RUNNING', namespec);
    const msg = p.stop();
    if (msg !== null) throw new SupervisorError('FAILED', msg);
    if (!wait || isStopped(p.state)) return true;
    await this.waitUntil(() => isStopped(p.state));
    return true;
  }

  async stopProcessGroup(name: string, wait = true): Promise<ResultStruct[]> {
    this.update();
    const g = this.groups.get(name);
    if (!g) throw new SupervisorError('BAD_NAME', name);
    const results = await this.allFunc(
      g.sorted().map((p) => [g, p]),
      (p) => isRunning(p.state),
      (ns) => this.stopProcess(ns, wait),
    );
    // Grandchildren left by exited children go with their group (a Paddock addition).
    const lingering = Promise.all(g.sorted().map((p) => p.stopLingeringGroups()));
    if (wait) await lingering;
    return results;
  }

  async stopAllProcesses(wait = true): Promise<ResultStruct[]> {
    this.update();
    return this.allFunc(
      this.allProcesses(),
      (p) => isRunning(p.state),
      (ns) => this.stopProcess(ns, wait),
    );
  }

  signalProcess(namespec: string, signal: string | number): true | ResultStruct[] {
    this.update();
    const [g, p] = this.groupAndProcess(namespec);
    if (!p) return this.signalProcessGroup(g.config.name, signal);
    const sig = signalNumber(signal);
    if (sig === undefined) throw new SupervisorError('BAD_SIGNAL', String(signal));
    if (!SIGNALLABLE_STATES.includes(p.state)) throw new SupervisorError('NOT_RUNNING', namespec);
    const msg = p.signal(sig);
    if (msg !== null) throw new SupervisorError('FAILED', msg);
    return true;
  }

  signalProcessGroup(name: string, signal: string | number): ResultStruct[] {
    const g = this.groups.get(name);
    this.update();
    if (!g) throw new SupervisorError('BAD_NAME', name);
    return this.allFuncSync(
      g.sorted().map((p) => [g, p]),
      signal,
    );
  }

  signalAllProcesses(signal: string | number): ResultStruct[] {
    const r = this.allFuncSync(this.allProcesses(), signal);
    this.update();
    return r;
  }

  private allFuncSync(
    procs: [ProcessGroup, Subprocess][],
    signal: string | number,
  ): ResultStruct[] {
    const results: ResultStruct[] = [];
    for (const [g, p] of procs) {
      if (!SIGNALLABLE_STATES.includes(p.state)) continue;
      try {
        this.signalProcess(`${g.config.name}:${p.name}`, signal);
        results.push(ok(g, p));
      } catch (e) {
        results.push(fail(g, p, e));
      }
    }
    return results;
  }

  /** supervisord's `make_allfunc`: immediate results first, then deferred ones as they finish. */
  private async allFunc(
    procs: [ProcessGroup, Subprocess][],
    predicate: (p: Subprocess) => boolean,
    fn: (namespec: string) => Promise<unknown>,
  ): Promise<ResultStruct[]> {
    const results: ResultStruct[] = [];
    const pending: Promise<void>[] = [];
    for (const [g, p] of procs) {
      if (!predicate(p)) continue;
      const promise = fn(`${g.config.name}:${p.name}`);
      pending.push(
        promise.then(
          () => void results.push(ok(g, p)),
          (e: unknown) => void results.push(fail(g, p, e)),
        ),
      );
    }
    await Promise.all(pending);
    return results;
  }

  // ---------------------------------------------------------------- facade: logs

  getProcessLogPath(namespec: string, channel: LogChannel): string | null {
    const p = this.process(namespec);
    return channel === 'stdout' ? p.stdoutLogPath : p.stderrLogPath;
  }

  readProcessLog(namespec: string, channel: LogChannel, offset: number, length: number): Buffer {
    this.update();
    const file = this.getProcessLogPath(namespec, channel);
    if (file === null || !fs.existsSync(file)) throw new SupervisorError('NO_FILE', file ?? 'None');
    return readFileRange(file, offset, length);
  }

  tailProcessLog(
    namespec: string,
    channel: LogChannel,
    offset: number,
    length: number,
  ): [Buffer, number, boolean] {
    this.update();
    const file = this.getProcessLogPath(namespec, channel);
    if (file === null || !fs.existsSync(file)) return [Buffer.alloc(0), 0, false];
    return tailFile(file, offset, length);
  }

  clearProcessLogs(namespec: string): true {
    this.update();
    const p = this.process(namespec);
    void p.clearLogs().catch(() => undefined);
    return true;
  }

  clearAllProcessLogs(): ResultStruct[] {
    this.update();
    return this.allProcesses().map(([g, p]) => {
      try {
        this.clearProcessLogs(`${g.config.name}:${p.name}`);
        return ok(g, p);
      } catch (e) {
        return fail(g, p, e);
      }
    });
  }

  getMainLogPath(): string | null {
    const f = this.config.supervisord.logfile;
    return f && f !== 'syslog' ? f : null;
  }

  readMainLog(offset: number, length: number): Buffer {
    this.update();
    const file = this.getMainLogPath();
    if (file === null || !fs.existsSync(file)) throw new SupervisorError('NO_FILE', file ?? 'None');
    return readFileRange(file, offset, length);
  }

  clearMainLog(): true {
    this.update();
    const file = this.getMainLogPath();
    if (file === null || !fs.existsSync(file)) throw new SupervisorError('NO_FILE');
    void this.logger.file?.clear().then(() => this.logger.info('reopening log file'));
    return true;
  }

  /** Resolves once every queued log byte is on disk (tests, shutdown). */
  async flushLogs(): Promise<void> {
    await this.logger.file?.flush();
    await Promise.all(
      [...this.groups.values()].flatMap((g) =>
        [...g.processes.values()].flatMap((p) => [p.stdout.file?.flush(), p.stderr.file?.flush()]),
      ),
    );
  }

  sendProcessStdin(namespec: string, data: Buffer | string): true {
    this.update();
    if (typeof data !== 'string' && !Buffer.isBuffer(data))
      throw new SupervisorError('INCORRECT_PARAMETERS');
    const p = this.process(namespec);
    const r = p.writeStdin(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    if (r === 'not-running') throw new SupervisorError('NOT_RUNNING', namespec);
    if (r === 'closed') throw new SupervisorError('NO_FILE', namespec);
    return true;
  }

  sendRemoteCommEvent(type: string, data: string): true {
    this.update();
    this.bus.emit({ type: 'remote-communication', commType: type, data });
    return true;
  }

  // ---------------------------------------------------------------- facade: config

  reloadConfig(): ConfigDiff {
    this.update();
    if (!this.reloadFn) throw new SupervisorError('CANT_REREAD', 'no config file to re-read');
    try {
      this.config = this.reloadFn();
    } catch (e) {
      throw new SupervisorError('CANT_REREAD', (e as Error).message);
    }
    return this.diffToActive();
  }

  /** supervisord's `diff_to_active`: group names added, changed, removed. */
  diffToActive(): ConfigDiff {
    const next = new Map(this.config.groups.map((g) => [g.name, g]));
    const added: string[] = [];
    const changed: string[] = [];
    const removed: string[] = [];
    for (const [name, g] of next) {
      const cur = this.groups.get(name);
      if (!cur) added.push(name);
      else if (groupKey(cur.config) !== groupKey(g)) changed.push(name);
    }
    for (const name of this.groups.keys()) if (!next.has(name)) removed.push(name);
    return { added, changed, removed };
  }

  addProcessGroup(name: string): true {
    this.update();
    const g = this.config.groups.find((c) => c.name === name);
    if (!g) throw new SupervisorError('BAD_NAME', name);
    if (!this.addGroup(g)) throw new SupervisorError('ALREADY_ADDED', name);
    const group = this.groups.get(name);
    if (group) for (const p of group.sorted()) p.transition();
    return true;
  }

  async updateProcessGroupInPlace(name: string): Promise<ConfigDiff> {
    this.update();
    const group = this.groups.get(name);
    const next = this.config.groups.find((c) => c.name === name);
    if (!group || !next) throw new SupervisorError('BAD_NAME', name);
    const nextByName = new Map(next.processes.map((p) => [p.name, p]));
    const diff: ConfigDiff = { added: [], changed: [], removed: [] };
    const retire: Subprocess[] = [];
    for (const [pname, proc] of group.processes) {
      const pc = nextByName.get(pname);
      if (!pc) diff.removed.push(pname);
      else if (processKey(pc) !== processKey(proc.config)) diff.changed.push(pname);
      else continue;
      retire.push(proc);
    }
    for (const pname of nextByName.keys()) if (!group.processes.has(pname)) diff.added.push(pname);
    // Stop what goes away or changes, all at once, and wait for it.
    for (const p of retire) {
      if (p.state === S.RUNNING || p.state === S.STARTING) p.stop();
      else if (p.state === S.BACKOFF) p.giveUp();
    }
    await this.waitUntil(() => retire.every((p) => isStopped(p.state)));
    for (const p of retire) {
      group.processes.delete(p.name);
      void p.dispose();
    }
    // The group keeps its identity (and its running processes); its config is the new one.
    const updated = new ProcessGroup(next);
    for (const [pname, proc] of group.processes) updated.processes.set(pname, proc);
    for (const pname of [...diff.changed, ...diff.added]) {
      const pc = nextByName.get(pname);
      if (!pc) continue;
      updated.processes.set(
        pname,
        new Subprocess(pc, name, this.ctx, {
          stdout: this.resolveLogPath(pc, 'stdout'),
          stderr: this.resolveLogPath(pc, 'stderr'),
        }),
      );
    }
    this.groups.set(name, updated);
    for (const p of updated.sorted()) if (!p.laststart) p.transition();
    this.logger.info(
      `updated group ${name} in place: added ${diff.added.join(', ') || '-'}; changed ${diff.changed.join(', ') || '-'}; removed ${diff.removed.join(', ') || '-'}`,
    );
    return diff;
  }

  removeProcessGroup(name: string): true {
    this.update();
    const g = this.groups.get(name);
    if (!g) throw new SupervisorError('BAD_NAME', name);
    if (g.unstopped().length) throw new SupervisorError('STILL_RUNNING', name);
    g.pool?.dispose();
    this.groups.delete(name);
    for (const p of g.processes.values()) void p.dispose();
    this.bus.emit({ type: 'process-group', action: 'removed', group: name });
    return true;
  }
}

/** Config parts the engine reads but cannot run; each entry is a complete error line. */
export function unsupportedFeatures(config: Config): string[] {
  return config.groups
    .filter((g) => g.kind === 'fcgi-program')
    .map(
      (g) =>
        `${g.source.file}:${g.source.line} [fcgi-program:${g.processes[0]?.programName ?? g.name}]: fcgi-program sections are not supported by Paddock (no FastCGI socket passing); run the program under [program:x] and let it open its own socket`,
    );
}

function ok(g: ProcessGroup, p: Subprocess): ResultStruct {
  return { name: p.name, group: g.config.name, status: Faults.SUCCESS, description: 'OK' };
}

function fail(g: ProcessGroup, p: Subprocess, e: unknown): ResultStruct {
  if (e instanceof SupervisorError) {
    return { name: p.name, group: g.config.name, status: e.code, description: e.text ?? '' };
  }
  return { name: p.name, group: g.config.name, status: Faults.FAILED, description: String(e) };
}

/** Config identity for `diff_to_active`, ignoring where values were written. */
function groupKey(g: GroupConfig): string {
  return JSON.stringify({ ...g, source: undefined }, (k, v: unknown) =>
    k === 'sources' ? undefined : v,
  );
}

/** Process config identity, ignoring where values were written. */
function processKey(p: ProcessConfig): string {
  return JSON.stringify({ ...p, sources: undefined });
}

function serverUrlOf(config: Config): string | null {
  if (config.unixHttpServer) return `unix://${config.unixHttpServer.file}`;
  if (config.inetHttpServer) {
    const host = config.inetHttpServer.host || 'localhost';
    return `http://${host}:${config.inetHttpServer.port}`;
  }
  return null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** supervisord's `_interpretProcessInfo`. */
export function describe(info: ProcessInfo): string {
  switch (info.state) {
    case S.RUNNING: {
      const secs = Math.max(0, info.now - info.start);
      const days = Math.floor(secs / 86400);
      const rem = secs % 86400;
      const hms = `${Math.floor(rem / 3600)}:${String(Math.floor((rem % 3600) / 60)).padStart(2, '0')}:${String(rem % 60).padStart(2, '0')}`;
      const up = days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
      return `pid ${info.pid}, uptime ${up}`;
    }
    case S.FATAL:
    case S.BACKOFF:
      return info.spawnerr || `unknown error (try "tail ${info.name}")`;
    case S.STOPPED:
    case S.EXITED: {
      if (!info.start) return 'Not started';
      const d = new Date(info.stop * 1000);
      const h = d.getHours() % 12 || 12;
      return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, '0')} ${String(h).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')} ${d.getHours() < 12 ? 'AM' : 'PM'}`;
    }
    default:
      return '';
  }
}

/** supervisord's `readFile` offset rules. */
export function readFileRange(file: string, offset: number, length: number): Buffer {
  if (offset < 0 && length !== 0) throw new SupervisorError('BAD_ARGUMENTS');
  if (offset >= 0 && length < 0) throw new SupervisorError('BAD_ARGUMENTS');
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    throw new SupervisorError('FAILED');
  }
  try {
    const size = fs.fstatSync(fd).size;
    let pos: number;
    let n: number;
    if (offset < 0) {
      pos = Math.max(0, size + offset);
      n = Math.min(-offset, size - pos);
    } else {
      pos = offset;
      n = length === 0 ? Math.max(0, size - offset) : Math.max(0, Math.min(length, size - offset));
    }
    const buf = Buffer.alloc(n);
    const got = n ? fs.readSync(fd, buf, 0, n, pos) : 0;
    return buf.subarray(0, got);
  } catch {
    throw new SupervisorError('FAILED');
  } finally {
    fs.closeSync(fd);
  }
}

/** supervisord's `tailFile`: `[data, newOffset, overflow]`. */
export function tailFile(file: string, offset: number, length: number): [Buffer, number, boolean] {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return [Buffer.alloc(0), offset, false];
  }
  try {
    const sz = fs.fstatSync(fd).size;
    let overflow = false;
    if (sz > offset + length) {
      overflow = true;
      offset = sz - 1;
    }
    if (offset + length > sz) {
      if (offset > sz - 1) length = 0;
      offset = sz - length;
      if (offset < 0) offset = 0;
      if (length < 0) length = 0;
    }
    let data = Buffer.alloc(0);
    if (length !== 0) {
      data = Buffer.alloc(length);
      const got = fs.readSync(fd, data, 0, length, offset);
      data = data.subarray(0, got);
    }
    return [data, sz, overflow];
  } catch {
    return [Buffer.alloc(0), offset, false];
  } finally {
    fs.closeSync(fd);
  }
}
