/**
 * One supervised process and its state machine, following supervisord's `Subprocess`
 * (`spawn`, `kill`, `finish`, `transition`). Event-driven: instead of a 1-second poll loop,
 * each process arms one timer for the next moment its state can change, and reacts to
 * SIGCHLD (Node's 'exit') at once.
 */
import fs from 'node:fs';

import { CaptureParser } from '../events/capture.js';
import type { MainLogger } from '../logs/main-logger.js';
import { OutputChannel, stripEscapes } from '../logs/output-channel.js';
import { ProcessStates as S, type ProcessState, stateName } from '../model/states.js';
import { assertTransition } from '../model/transitions.js';
import type { EngineEvent, LogChannel, ProcessConfig, StateTransition } from '../model/types.js';
import type { Clock, TimerHandle } from './clock.js';
import { getExecvArgs, pathListFrom } from './command.js';
import { signalName, signalNumber } from './signals.js';
import type { ChildHandle, Spawner } from './spawner.js';
import { privilegeError } from './users.js';

/** What a process needs from the daemon that owns it. */
export interface ProcessContext {
  clock: Clock;
  spawner: Spawner;
  logger: MainLogger;
  emit(event: EngineEvent): void;
  /** False while the daemon is shutting down or restarting (mood ≤ RESTARTING). */
  canSpawn(): boolean;
  /** The daemon's own environment (children inherit it). */
  environ: Record<string, string | undefined>;
  /** `SUPERVISOR_SERVER_URL` default, or null when no server is configured. */
  serverUrl: string | null;
  stripAnsi: boolean;
  currentUid: number;
  /** `[supervisord] environment`, applied under each program's own `environment`. */
  globalEnvironment: Record<string, string> | null;
}

/** A crash loop is never restarted faster than this (supervisord's loop tick). */
export const MIN_RESTART_INTERVAL_MS = 1000;
const HISTORY_LIMIT = 200;
/** How long to wait for pipes to drain after an exit (grandchildren may hold them open). */
const DRAIN_MS = 100;

export class Subprocess {
  readonly config: ProcessConfig;
  readonly groupName: string;
  readonly stdoutLogPath: string | null;
  readonly stderrLogPath: string | null;
  state: ProcessState = S.STOPPED;
  pid = 0;
  /** Milliseconds since the epoch; 0 = never. */
  laststart = 0;
  laststop = 0;
  private laststopreport = 0;
  delay = 0;
  backoff = 0;
  killing = false;
  administrativeStop = false;
  systemStop = false;
  exitstatus: number | null = null;
  spawnerr: string | null = null;
  /** Set when the last stop had to escalate to SIGKILL. */
  forcedKill = false;
  readonly history: StateTransition[] = [];
  readonly stdout: OutputChannel;
  readonly stderr: OutputChannel;
  private child: ChildHandle | null = null;
  /** Capture-mode parsers of the current child, per destination channel. */
  private capture = new Map<OutputChannel, CaptureParser>();
  private timer: TimerHandle | null = null;
  private readonly ctx: ProcessContext;
  /** Process groups of exited children that still had members (see stopLingeringGroups). */
  readonly lingeringGroups = new Set<number>();
  /** Observers of the raw output (event listeners' protocol reader, capture mode). */
  outputObserver: ((channel: LogChannel, data: Buffer) => void) | null = null;

  constructor(
    config: ProcessConfig,
    groupName: string,
    ctx: ProcessContext,
    logPaths: { stdout: string | null; stderr: string | null },
  ) {
    this.config = config;
    this.groupName = groupName;
    this.ctx = ctx;
    this.stdoutLogPath = logPaths.stdout;
    this.stderrLogPath = config.redirectStderr ? null : logPaths.stderr;
    const mk = (channel: LogChannel, logfile: string | null) =>
      new OutputChannel({
        channel,
        logfile,
        maxBytes: config[channel].logfileMaxbytes,
        backups: config[channel].logfileBackups,
        stripAnsi: ctx.stripAnsi,
        onData: (data) => this.onOutput(channel, data),
        onWriteError: (err, dropped) => {
          if (err) {
            ctx.logger.error(
              `cannot write ${channel} log of '${config.name}' (${logfile}): ${err.code ?? err.message}; output is dropped until writes succeed again`,
            );
          } else {
            ctx.logger.warn(
              `writing ${channel} log of '${config.name}' resumed; ${dropped} bytes were dropped`,
            );
          }
        },
      });
    this.stdout = mk('stdout', this.stdoutLogPath);
    this.stderr = mk('stderr', this.stderrLogPath);
  }

  get name(): string {
    return this.config.name;
  }

  /** The one place the state changes. Returns false when already in `to`. */
  changeState(to: ProcessState, expected = true): boolean {
    const from = this.state;
    if (to === from) return false;
    assertTransition(from, to);
    this.state = to;
    const now = this.ctx.clock.now();
    if (to === S.BACKOFF) {
      this.backoff += 1;
      this.delay = now + this.backoff * 1000;
    }
    const t: StateTransition = {
      at: now,
      name: this.config.name,
      group: this.groupName,
      from,
      to,
      pid: this.pid,
      tries: this.backoff,
      expected: to === S.EXITED ? expected : null,
      exitstatus: to === S.EXITED || to === S.STOPPED ? this.exitstatus : null,
    };
    this.history.push(t);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    this.ctx.emit({ type: 'process-state', transition: t });
    return true;
  }

  /** Start the process; it must not be running. Returns the pid, or 0 when the spawn failed. */
  spawn(): number {
    const { logger } = this.ctx;
    const name = this.config.name;
    if (this.pid) {
      logger.warn(`process '${name}' already running`);
      return 0;
    }
    this.killing = false;
    this.spawnerr = null;
    this.exitstatus = null;
    this.systemStop = false;
    this.administrativeStop = false;
    this.forcedKill = false;
    this.laststart = this.ctx.clock.now();
    // STOPPED/EXITED/FATAL/BACKOFF → STARTING
    this.changeState(S.STARTING);

    const execv = this.execvArgs();
    if (!execv.ok) {
      this.recordSpawnerr(execv.problem.message);
      // STARTING → BACKOFF: the command cannot be run
      this.changeState(S.BACKOFF);
      this.schedule();
      return 0;
    }

    // Failures supervisord hits in the forked child (setuid, chdir) make the child print a
    // message and exit 127; reproduce that without a fork.
    let uid: number | undefined;
    let gid: number | undefined;
    if (this.config.user !== null) {
      const priv = privilegeError(this.config.user, this.ctx.currentUid);
      if (priv && 'error' in priv) {
        return this.failInChild(`couldn't setuid to ${this.config.user}: ${priv.error}`);
      }
      if (priv) ({ uid, gid } = priv);
    }
    const cwd = this.config.directory;
    if (cwd !== null) {
      const code = dirError(cwd);
      if (code) return this.failInChild(`couldn't chdir to ${cwd}: ${code}`);
    }

    let child: ChildHandle;
    try {
      child = this.ctx.spawner.spawn({
        file: execv.file,
        argv: execv.argv,
        env: this.buildEnv(),
        cwd,
        uid,
        gid,
        umask: this.config.umask,
      });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const msg =
        code === 'EAGAIN'
          ? `Too many processes in process table to spawn '${name}'`
          : code === 'EMFILE'
            ? `too many open files to spawn '${name}'`
            : `unknown error during fork for '${name}': ${code ?? (e as Error).message}`;
      this.recordSpawnerr(msg);
      // STARTING → BACKOFF: fork failed
      this.changeState(S.BACKOFF);
      this.schedule();
      return 0;
    }
    this.attach(child);
    logger.info(`spawned: '${name}' with pid ${child.pid}`);
    this.spawnerr = null;
    this.delay = this.laststart + this.config.startsecs * 1000;
    this.schedule();
    return child.pid;
  }

  /** Administrative stop with the configured stop signal. */
  stop(): string | null {
    this.administrativeStop = true;
    this.laststopreport = 0;
    return this.kill(signalNumber(this.config.stopsignal) ?? 15);
  }

  /** supervisord's `give_up`: BACKOFF → FATAL. */
  giveUp(): void {
    this.delay = 0;
    this.backoff = 0;
    this.systemStop = true;
    // BACKOFF → FATAL: startretries exhausted (or a group stop during backoff)
    this.changeState(S.FATAL);
    this.schedule();
  }

  /** Send a signal meant to end the process; null on success, else an error message. */
  kill(sig: number): string | null {
    const { logger, clock } = this.ctx;
    const name = this.config.name;
    if (this.state === S.BACKOFF) {
      logger.debug(`Attempted to kill ${name}, which is in BACKOFF state.`);
      // BACKOFF → STOPPED: a stop request must not wait for the remaining retries
      this.changeState(S.STOPPED);
      this.schedule();
      return null;
    }
    if (!this.pid) {
      const msg = `attempted to kill ${name} with sig ${signalName(sig)} but it wasn't running`;
      logger.debug(msg);
      return msg;
    }
    const asGroup = this.state === S.STOPPING ? this.config.killasgroup : this.config.stopasgroup;
    logger.debug(
      `killing ${name} (pid ${this.pid}) ${asGroup ? 'process group ' : ''}with signal ${signalName(sig)}`,
    );
    this.killing = true;
    this.delay = clock.now() + this.config.stopwaitsecs * 1000;
    // RUNNING/STARTING → STOPPING (already STOPPING when this is the SIGKILL escalation)
    this.changeState(S.STOPPING);
    try {
      this.ctx.spawner.kill(asGroup ? -this.pid : this.pid, sig);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ESRCH') {
        logger.debug(
          `unable to signal ${name} (pid ${this.pid}), it probably just exited on its own: ${err.message}`,
        );
        this.schedule();
        return null;
      }
      const msg = `unknown problem killing ${name} (${this.pid}):${err.message}`;
      logger.critical(msg);
      // STOPPING → UNKNOWN: the signal could not be sent
      this.changeState(S.UNKNOWN);
      this.killing = false;
      this.delay = 0;
      this.schedule();
      return msg;
    }
    this.schedule();
    return null;
  }

  /** Send a signal without intending to stop the process (`signalProcess`). */
  signal(sig: number): string | null {
    const { logger } = this.ctx;
    const name = this.config.name;
    if (!this.pid) {
      const msg = `attempted to send ${name} sig ${signalName(sig)} but it wasn't running`;
      logger.debug(msg);
      return msg;
    }
    logger.debug(`sending ${name} (pid ${this.pid}) sig ${signalName(sig)}`);
    try {
      this.ctx.spawner.kill(this.pid, sig);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ESRCH') {
        logger.debug(
          `unable to signal ${name} (pid ${this.pid}), it probably just now exited on its own: ${err.message}`,
        );
        return null;
      }
      const msg = `unknown problem sending sig ${name} (${this.pid}):${err.message}`;
      logger.critical(msg);
      // RUNNING/STARTING/STOPPING → UNKNOWN
      this.changeState(S.UNKNOWN);
      return msg;
    }
    return null;
  }

  /** Write to the child's stdin; throws with code NOT_RUNNING or NO_FILE semantics. */
  writeStdin(data: Buffer): 'ok' | 'not-running' | 'closed' {
    if (!this.pid || this.killing || this.child === null) return 'not-running';
    const stdin = this.child.stdin;
    if (stdin.destroyed || !stdin.writable) return 'closed';
    stdin.write(data);
    return 'ok';
  }

  /** The process was reaped: record the exit and move the state machine (supervisord `finish`). */
  finish(code: number | null, sig: NodeJS.Signals | null): void {
    const { logger, clock } = this.ctx;
    const name = this.config.name;
    let es: number;
    let msg: string;
    if (code !== null) {
      es = code;
      msg = `exit status ${code}`;
    } else {
      es = -1;
      msg = `terminated by ${sig ?? 'unknown signal'}`;
    }
    const now = clock.now();
    this.laststop = now;
    const tooQuickly = now - this.laststart < this.config.startsecs * 1000;
    const expected = this.config.exitcodes.includes(es);
    if (this.state === S.UNKNOWN) {
      logger.warn(`exited: ${name} (${msg}) while in UNKNOWN state`);
    } else if (this.killing) {
      this.killing = false;
      this.delay = 0;
      this.exitstatus = es;
      // STOPPING → STOPPED: the result of a stop request
      this.changeState(S.STOPPED);
      if (expected) logger.info(`stopped: ${name} (${msg})`);
      else logger.warn(`stopped: ${name} (${msg})`);
    } else if (tooQuickly) {
      this.exitstatus = null;
      this.spawnerr = 'Exited too quickly (process log may have details)';
      // STARTING → BACKOFF: did not stay up for startsecs
      this.changeState(S.BACKOFF);
      logger.warn(`exited: ${name} (${msg}; not expected)`);
    } else {
      this.delay = 0;
      this.backoff = 0;
      this.exitstatus = es;
      // STARTING → RUNNING when the timer had not fired yet, then RUNNING → EXITED
      if (this.state === S.STARTING) this.changeState(S.RUNNING);
      if (expected) {
        this.changeState(S.EXITED, true);
        logger.info(`exited: ${name} (${msg}; expected)`);
      } else {
        this.spawnerr = `Bad exit code ${es}`;
        this.changeState(S.EXITED, false);
        logger.warn(`exited: ${name} (${msg}; not expected)`);
      }
    }
    // The child led its own process group; if members outlive it (a grandchild it forked),
    // remember the group so a later stop or shutdown can end them too.
    if (this.pid && groupExists(this.pid)) this.lingeringGroups.add(this.pid);
    this.pid = 0;
    this.child = null;
    this.schedule();
  }

  /**
   * Stop what is left of the process groups of exited children (grandchildren that outlived
   * their parent): stopsignal to each group, SIGKILL after stopwaitsecs. Resolves when they are gone.
   */
  async stopLingeringGroups(): Promise<void> {
    const groups = [...this.lingeringGroups];
    this.lingeringGroups.clear();
    const live = groups.filter((g) => groupMembers(g).length > 0);
    if (!live.length) return;
    const sig = signalNumber(this.config.stopsignal) ?? 15;
    for (const g of live) {
      this.ctx.logger.info(
        `stopping processes left in the process group of '${this.config.name}' (pgid ${g}): ${groupMembers(g).join(', ')}`,
      );
      signalGroup(g, sig);
    }
    const deadline = Date.now() + this.config.stopwaitsecs * 1000;
    const gone = () => live.every((g) => groupMembers(g).length === 0);
    while (!gone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    if (!gone()) {
      for (const g of live) {
        this.ctx.logger.warn(
          `killing processes left in process group ${g} of '${this.config.name}' with SIGKILL`,
        );
        signalGroup(g, 9);
      }
    }
  }

  /**
   * supervisord's `transition()`: the time- and mood-driven edges. Called by timers, by the
   * daemon on start-up and mood changes, and after every exit.
   */
  transition(): void {
    const now = this.ctx.clock.now();
    const state = this.state;
    const { logger } = this.ctx;
    const name = this.config.name;
    if (this.ctx.canSpawn()) {
      if (state === S.EXITED) {
        if (this.shouldAutorestart() && this.restartDueAt() <= now) {
          // EXITED → STARTING: autorestart
          this.spawn();
        }
      } else if (state === S.STOPPED && !this.laststart) {
        if (this.config.autostart) {
          // STOPPED → STARTING: autostart
          this.spawn();
        }
      } else if (state === S.BACKOFF) {
        if (this.backoff <= this.config.startretries && now > this.delay) {
          // BACKOFF → STARTING: retry
          this.spawn();
        }
      }
    }
    if (state === S.STARTING && this.state === S.STARTING) {
      if (now - this.laststart > this.config.startsecs * 1000 || this.config.startsecs === 0) {
        this.delay = 0;
        this.backoff = 0;
        // STARTING → RUNNING: stayed up for startsecs
        this.changeState(S.RUNNING);
        logger.info(
          `success: ${name} entered RUNNING state, process has stayed up for > than ${this.config.startsecs} seconds (startsecs)`,
        );
      }
    }
    if (this.state === S.BACKOFF && this.backoff > this.config.startretries) {
      this.giveUp();
      logger.info(`gave up: ${name} entered FATAL state, too many start retries too quickly`);
    } else if (this.state === S.STOPPING) {
      if (this.laststopreport === 0) {
        this.laststopreport = now;
      } else if (now >= this.laststopreport + 2000) {
        logger.info(`waiting for ${name} to stop`);
        this.laststopreport = now;
      }
      if (this.delay - now <= 0 && this.pid) {
        logger.warn(`killing '${name}' (${this.pid}) with SIGKILL`);
        this.forcedKill = true;
        this.kill(9);
      }
    }
    this.schedule();
  }

  /** Reopen log files (SIGUSR2). */
  async reopenLogs(): Promise<void> {
    await Promise.all([this.stdout.file?.reopen(), this.stderr.file?.reopen()]);
  }

  /** Remove and reopen log files (`clearProcessLogs`). */
  async clearLogs(): Promise<void> {
    await Promise.all([this.stdout.file?.clear(), this.stderr.file?.clear()]);
  }

  /** Release timers and files; the process must be stopped. */
  async dispose(): Promise<void> {
    this.clearTimer();
    await Promise.all([this.stdout.close(), this.stderr.close()]);
  }

  private shouldAutorestart(): boolean {
    const ar = this.config.autorestart;
    if (ar === true) return true;
    if (ar === 'unexpected') return !this.config.exitcodes.includes(this.exitstatus ?? -1);
    return false;
  }

  /** A process that exits right after starting is restarted at most once per second. */
  private restartDueAt(): number {
    return this.laststart + MIN_RESTART_INTERVAL_MS;
  }

  private schedule(): void {
    this.clearTimer();
    const now = this.ctx.clock.now();
    let at: number | null = null;
    switch (this.state) {
      case S.STARTING:
        at = this.laststart + this.config.startsecs * 1000 + 1;
        break;
      case S.BACKOFF:
        at = this.backoff > this.config.startretries ? now : this.delay + 1;
        break;
      case S.STOPPING:
        at = this.pid ? Math.min(this.delay, (this.laststopreport || now) + 2000) : null;
        break;
      case S.EXITED:
        if (this.shouldAutorestart()) at = Math.max(now, this.restartDueAt());
        break;
      default:
        at = null;
    }
    if (at === null) return;
    // Nothing is respawned while the daemon stops or restarts: no wake-up is due until the
    // ordered stop reaches this process (a BACKOFF retry timer would otherwise fire at once, over
    // and over, since its delay has passed).
    if (!this.ctx.canSpawn()) {
      if (this.state === S.EXITED) return;
      if (this.state === S.BACKOFF && this.backoff <= this.config.startretries) return;
    }
    const timer = this.ctx.clock.setTimeout(
      () => {
        this.timer = null;
        this.transition();
      },
      Math.max(0, at - now),
    );
    this.timer = timer;
  }

  private clearTimer(): void {
    if (this.timer !== null) {
      this.ctx.clock.clearTimeout(this.timer);
      this.timer = null;
    }
  }

  private recordSpawnerr(msg: string): void {
    this.spawnerr = msg;
    this.ctx.logger.info(`spawnerr: ${msg}`);
  }

  /** The configured environment: `[supervisord] environment` overlaid by the program's own. */
  configuredEnvironment(): Record<string, string> | null {
    const g = this.ctx.globalEnvironment;
    const p = this.config.environment;
    if (!g && !p) return null;
    return { ...g, ...p };
  }

  /** supervisord's `get_execv_args`, with the PATH of the configured environment first. */
  execvArgs() {
    const env = this.configuredEnvironment();
    const pathList =
      env && env.PATH !== undefined ? env.PATH.split(':') : pathListFrom(this.ctx.environ.PATH);
    return getExecvArgs(this.config.command, pathList);
  }

  buildEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.ctx.environ)) if (v !== undefined) env[k] = v;
    env.SUPERVISOR_ENABLED = '1';
    const serverurl =
      this.config.serverurl === 'AUTO' || this.config.serverurl === null
        ? this.ctx.serverUrl
        : this.config.serverurl;
    if (serverurl) env.SUPERVISOR_SERVER_URL = serverurl;
    env.SUPERVISOR_PROCESS_NAME = this.config.name;
    env.SUPERVISOR_GROUP_NAME = this.groupName;
    const configured = this.configuredEnvironment();
    if (configured) Object.assign(env, configured);
    return env;
  }

  /** Reproduce a child that failed before exec: it prints to stderr and exits 127. */
  private failInChild(msg: string): number {
    const text = Buffer.from(`supervisor: ${msg}\nsupervisor: child process was not spawned\n`);
    (this.config.redirectStderr ? this.stdout : this.stderr).write(text);
    this.ctx.logger.info(`spawned: '${this.config.name}' with pid 0 (child setup failed: ${msg})`);
    this.delay = this.laststart + this.config.startsecs * 1000;
    setImmediate(() => {
      if (this.state === S.STARTING && this.pid === 0) this.finish(127, null);
    });
    return 0;
  }

  private attach(child: ChildHandle): void {
    this.child = child;
    this.pid = child.pid;
    const out = this.stdout;
    const err = this.config.redirectStderr ? this.stdout : this.stderr;
    let open = 2;
    let exited: { code: number | null; sig: NodeJS.Signals | null } | null = null;
    let drainTimer: NodeJS.Timeout | null = null;
    this.capture = new Map();
    const complete = () => {
      if (exited === null || this.child !== child) return;
      if (drainTimer) clearTimeout(drainTimer);
      const { code, sig } = exited;
      exited = null;
      this.finish(code, sig);
    };
    const pipe = (
      stream: NodeJS.ReadableStream & { pause(): void; resume(): void },
      ch: OutputChannel,
    ) => {
      stream.on('data', (data: Buffer) => {
        if (!this.route(ch, data)) {
          stream.pause();
          void ch.file?.flush().then(() => stream.resume());
        }
      });
      stream.on('end', () => {
        open -= 1;
        if (open === 0) {
          for (const parser of this.capture.values()) parser.end();
          complete();
        }
      });
      stream.on('error', () => undefined);
    };
    pipe(child.stdout, out);
    pipe(child.stderr, err);
    child.onExit((code, sig) => {
      exited = { code, sig };
      if (open === 0) complete();
      else drainTimer = setTimeout(complete, DRAIN_MS);
    });
  }

  /**
   * One chunk of child output into its channel, through capture mode when `*_capture_maxbytes`
   * is set (never on an event listener's stdout, which carries the protocol). False = pause.
   */
  private route(ch: OutputChannel, data: Buffer): boolean {
    const channel = ch.channel;
    const max = this.config[channel].captureMaxbytes;
    if (!max || (this.config.listener && channel === 'stdout')) return ch.write(data);
    let writable = true;
    let parser = this.capture.get(ch);
    if (!parser) {
      parser = new CaptureParser(
        max,
        {
          output: (d, captured) => {
            // captured text skips the log file but still makes PROCESS_LOG events, as supervisord
            if (captured) this.onOutput(channel, d);
            else if (!ch.write(d)) writable = false;
          },
          communication: (d) => {
            this.ctx.emit({
              type: 'process-communication',
              name: this.config.name,
              group: this.groupName,
              channel,
              pid: this.pid,
              data: d,
            });
            this.ctx.logger.debug(`'${this.config.name}' ${channel} emitted a comm event`);
          },
        },
        (b) => (this.ctx.stripAnsi ? stripEscapes(b) : b),
      );
      this.capture.set(ch, parser);
    }
    parser.feed(data);
    return writable;
  }

  private onOutput(channel: LogChannel, data: Buffer): void {
    const { logger } = this.ctx;
    if (logger.isEnabled('debug')) {
      logger.debug(`'${this.config.name}' ${channel} output:\n${data.toString('utf8')}`);
    }
    this.outputObserver?.(channel, data);
    // an event listener's stdout is the protocol: never PROCESS_LOG events
    if (this.config[channel].eventsEnabled && !(this.config.listener && channel === 'stdout')) {
      this.ctx.emit({
        type: 'process-log',
        name: this.config.name,
        group: this.groupName,
        channel,
        pid: this.pid,
        data,
      });
    }
  }

  /** A one-line description for logs and errors. */
  toString(): string {
    return `<Subprocess ${this.config.name} ${stateName(this.state)}>`;
  }
}

/** Whether any process is in process group `pgid` (zombies included; cheap). */
function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Live (non-zombie) members of a process group, from /proc; empty where /proc is absent. */
export function groupMembers(pgid: number): number[] {
  if (!groupExists(pgid)) return [];
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [pgid];
  }
  const out: number[] = [];
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (rest[0] !== 'Z' && Number(rest[2]) === pgid) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

function signalGroup(pgid: number, sig: number): void {
  try {
    process.kill(-pgid, sig);
  } catch {
    /* gone */
  }
}

function dirError(dir: string): string | null {
  try {
    const st = fs.statSync(dir);
    return st.isDirectory() ? null : 'ENOTDIR';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'ENOENT';
  }
}
