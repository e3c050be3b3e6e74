/**
 * An in-memory SupervisorFacade for RPC/HTTP tests: processes are records whose state changes
 * instantly, logs are real files in a temp directory (so logtail and read semantics are real).
 * Fault behaviour follows supervisord's rpcinterface.py closely enough for the RPC layer tests.
 */
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type {
  ConfigDiff,
  ConfigInfo,
  ResultStruct,
  SupervisorFacade,
  Unsubscribe,
} from '../../main/engine/facade.js';
import { Faults, SupervisorError } from '../../main/engine/model/faults.js';
import {
  ProcessStates,
  RUNNING_STATES,
  SIGNALLABLE_STATES,
  STOPPED_STATES,
  stateName,
  SupervisorStates,
  type ProcessState,
  type SupervisorState,
} from '../../main/engine/model/states.js';
import type {
  Config,
  EngineEvent,
  LogChannel,
  ProcessInfo,
  StateTransition,
} from '../../main/engine/model/types.js';
import { readFileRange, tailFile } from '../../main/engine/supervisor.js';

export interface FakeProgram {
  group: string;
  name: string;
  autostart?: boolean;
  priority?: number;
  /** When true, startProcess fails with SPAWN_ERROR. */
  failsToSpawn?: boolean;
}

interface Proc {
  cfg: FakeProgram;
  state: ProcessState;
  pid: number;
  start: number;
  stop: number;
  spawnerr: string;
  stdin: string[];
}

const SIGNALS: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  TERM: 15,
  CONT: 18,
  STOP: 19,
};

export class FakeFacade implements SupervisorFacade {
  statecode: SupervisorState = SupervisorStates.RUNNING;
  readonly procs = new Map<string, Proc>();
  /** Programs "in the config file"; reloadConfig diffs these against `procs`. */
  configured: FakeProgram[];
  nextPid = 4000;
  clock = 1_700_000_000;
  readonly calls: string[] = [];
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  readonly mainLog: string;

  constructor(
    readonly logDir: string,
    programs: FakeProgram[],
  ) {
    mkdirSync(logDir, { recursive: true });
    this.mainLog = join(logDir, 'supervisord.log');
    writeFileSync(this.mainLog, 'main log line\n');
    this.configured = programs;
    for (const p of programs) this.addProc(p);
  }

  private addProc(cfg: FakeProgram): void {
    this.procs.set(`${cfg.group}:${cfg.name}`, {
      cfg,
      state: ProcessStates.STOPPED,
      pid: 0,
      start: 0,
      stop: 0,
      spawnerr: '',
      stdin: [],
    });
  }

  logPath(namespec: string, channel: LogChannel): string {
    return join(this.logDir, `${namespec.replace(':', '_')}-${channel}.log`);
  }

  /** Append to a process's log file (creates it). */
  writeLog(namespec: string, channel: LogChannel, data: string | Buffer): void {
    appendFileSync(this.logPath(this.key(namespec), channel), data);
  }

  private key(namespec: string): string {
    const [g, p] = this.split(namespec);
    return `${g}:${p ?? g}`;
  }

  private split(namespec: string): [string, string | null] {
    const i = namespec.indexOf(':');
    if (i === -1) return [namespec, namespec];
    const p = namespec.slice(i + 1);
    return [namespec.slice(0, i), p === '' || p === '*' ? null : p];
  }

  private groupProcs(group: string): Proc[] {
    const out = [...this.procs.values()].filter((p) => p.cfg.group === group);
    return out.sort(
      (a, b) =>
        (a.cfg.priority ?? 999) - (b.cfg.priority ?? 999) || a.cfg.name.localeCompare(b.cfg.name),
    );
  }

  private lookup(namespec: string): Proc | null {
    const [g, p] = this.split(namespec);
    if (this.groupProcs(g).length === 0) throw new SupervisorError('BAD_NAME', namespec);
    if (p === null) return null;
    const proc = this.procs.get(`${g}:${p}`);
    if (!proc) throw new SupervisorError('BAD_NAME', namespec);
    return proc;
  }

  private setState(p: Proc, to: ProcessState): void {
    const from = p.state;
    p.state = to;
    const t: StateTransition = {
      at: this.clock * 1000,
      name: p.cfg.name,
      group: p.cfg.group,
      from,
      to,
      pid: p.pid,
      tries: 0,
      expected: null,
      exitstatus: null,
    };
    for (const l of this.listeners) l({ type: 'process-state', transition: t });
  }

  private all(): Proc[] {
    return [...this.procs.values()].sort(
      (a, b) => a.cfg.group.localeCompare(b.cfg.group) || a.cfg.name.localeCompare(b.cfg.name),
    );
  }

  private ok(p: Proc): ResultStruct {
    return { name: p.cfg.name, group: p.cfg.group, status: Faults.SUCCESS, description: 'OK' };
  }

  private fail(p: Proc, e: unknown): ResultStruct {
    if (!(e instanceof SupervisorError)) throw e;
    return { name: p.cfg.name, group: p.cfg.group, status: e.code, description: e.faultString };
  }

  getIdentification(): string {
    return 'supervisor';
  }
  getState() {
    const names = { 2: 'FATAL', 1: 'RUNNING', 0: 'RESTARTING', [-1]: 'SHUTDOWN' } as const;
    return { statecode: this.statecode, statename: names[this.statecode] };
  }
  getPID(): number {
    return process.pid;
  }
  getConfig(): Config {
    throw new Error('FakeFacade.getConfig is not implemented');
  }
  getProcessInfo(namespec: string): ProcessInfo {
    const p = this.lookup(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    const k = `${p.cfg.group}:${p.cfg.name}`;
    let description = '';
    if (p.state === ProcessStates.RUNNING) description = `pid ${p.pid}, uptime 0:00:00`;
    else if (p.state === ProcessStates.STOPPED || p.state === ProcessStates.EXITED)
      description = p.start ? 'Nov 24 09:00 AM' : 'Not started';
    else if (p.state === ProcessStates.FATAL || p.state === ProcessStates.BACKOFF)
      description = p.spawnerr || `unknown error (try "tail ${p.cfg.name}")`;
    return {
      name: p.cfg.name,
      group: p.cfg.group,
      description,
      start: p.start,
      stop: p.stop,
      now: this.clock,
      state: p.state,
      statename: stateName(p.state),
      spawnerr: p.spawnerr,
      exitstatus: 0,
      logfile: this.logPath(k, 'stdout'),
      stdout_logfile: this.logPath(k, 'stdout'),
      stderr_logfile: this.logPath(k, 'stderr'),
      pid: p.pid,
    };
  }
  getAllProcessInfo(): ProcessInfo[] {
    return this.all().map((p) => this.getProcessInfo(`${p.cfg.group}:${p.cfg.name}`));
  }
  getAllConfigInfo(): ConfigInfo[] {
    return this.configured
      .map((c) => {
        const k = `${c.group}:${c.name}`;
        return {
          autostart: c.autostart ?? true,
          directory: 'none',
          uid: 'none' as const,
          command: `/bin/${c.name}`,
          exitcodes: [0],
          group: c.group,
          group_prio: 999,
          inuse: this.procs.has(k),
          killasgroup: false,
          name: c.name,
          process_prio: c.priority ?? 999,
          redirect_stderr: false,
          startretries: 3,
          startsecs: 1,
          stdout_capture_maxbytes: 0,
          stdout_events_enabled: false,
          stdout_logfile: this.logPath(k, 'stdout'),
          stdout_logfile_backups: 10,
          stdout_logfile_maxbytes: 52428800,
          stdout_syslog: false,
          stopsignal: 15,
          stopwaitsecs: 10,
          stderr_capture_maxbytes: 0,
          stderr_events_enabled: false,
          stderr_logfile: this.logPath(k, 'stderr'),
          stderr_logfile_backups: 10,
          stderr_logfile_maxbytes: 52428800,
          stderr_syslog: false,
          serverurl: 'AUTO',
        };
      })
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
  getProcessHistory(): StateTransition[] {
    return [];
  }

  async startProcess(namespec: string, wait = true): Promise<true | ResultStruct[]> {
    this.calls.push(`start ${namespec} ${wait}`);
    const p = this.lookup(namespec);
    if (!p) return this.startProcessGroup(this.split(namespec)[0], wait);
    if (RUNNING_STATES.includes(p.state)) throw new SupervisorError('ALREADY_STARTED', namespec);
    if (p.cfg.failsToSpawn) {
      p.spawnerr = "can't find command";
      this.setState(p, ProcessStates.BACKOFF);
      this.setState(p, ProcessStates.FATAL);
      throw new SupervisorError('SPAWN_ERROR', namespec);
    }
    p.pid = this.nextPid++;
    p.start = this.clock;
    p.spawnerr = '';
    this.setState(p, ProcessStates.STARTING);
    await Promise.resolve();
    this.setState(p, ProcessStates.RUNNING);
    return true;
  }
  async startProcessGroup(name: string, wait = true): Promise<ResultStruct[]> {
    if (this.groupProcs(name).length === 0) throw new SupervisorError('BAD_NAME', name);
    return this.each(
      this.groupProcs(name),
      (p) => !RUNNING_STATES.includes(p.state),
      (n) => this.startProcess(n, wait),
    );
  }
  async startAllProcesses(wait = true): Promise<ResultStruct[]> {
    return this.each(
      this.all(),
      (p) => !RUNNING_STATES.includes(p.state),
      (n) => this.startProcess(n, wait),
    );
  }
  async stopProcess(namespec: string, wait = true): Promise<true | ResultStruct[]> {
    this.calls.push(`stop ${namespec} ${wait}`);
    const p = this.lookup(namespec);
    if (!p) return this.stopProcessGroup(this.split(namespec)[0], wait);
    if (!RUNNING_STATES.includes(p.state)) throw new SupervisorError('NOT_RUNNING', namespec);
    this.setState(p, ProcessStates.STOPPING);
    await Promise.resolve();
    p.pid = 0;
    p.stop = this.clock;
    this.setState(p, ProcessStates.STOPPED);
    return true;
  }
  async stopProcessGroup(name: string, wait = true): Promise<ResultStruct[]> {
    if (this.groupProcs(name).length === 0) throw new SupervisorError('BAD_NAME', name);
    return this.each(
      this.groupProcs(name),
      (p) => RUNNING_STATES.includes(p.state),
      (n) => this.stopProcess(n, wait),
    );
  }
  async stopAllProcesses(wait = true): Promise<ResultStruct[]> {
    return this.each(
      this.all(),
      (p) => RUNNING_STATES.includes(p.state),
      (n) => this.stopProcess(n, wait),
    );
  }
  private async each(
    procs: Proc[],
    pred: (p: Proc) => boolean,
    fn: (namespec: string) => Promise<unknown>,
  ): Promise<ResultStruct[]> {
    const out: ResultStruct[] = [];
    for (const p of procs) {
      if (!pred(p)) continue;
      try {
        await fn(`${p.cfg.group}:${p.cfg.name}`);
        out.push(this.ok(p));
      } catch (e) {
        out.push(this.fail(p, e));
      }
    }
    return out;
  }
  signalProcess(namespec: string, signal: string | number): true | ResultStruct[] {
    const p = this.lookup(namespec);
    if (!p) return this.signalProcessGroup(this.split(namespec)[0], signal);
    const s = String(signal).toUpperCase().replace(/^SIG/, '');
    if (!(s in SIGNALS) && !/^\d+$/.test(s))
      throw new SupervisorError('BAD_SIGNAL', String(signal));
    if (!SIGNALLABLE_STATES.includes(p.state)) throw new SupervisorError('NOT_RUNNING', namespec);
    this.calls.push(`signal ${namespec} ${s}`);
    return true;
  }
  signalProcessGroup(name: string, signal: string | number): ResultStruct[] {
    if (this.groupProcs(name).length === 0) throw new SupervisorError('BAD_NAME', name);
    return this.signalEach(this.groupProcs(name), signal);
  }
  signalAllProcesses(signal: string | number): ResultStruct[] {
    return this.signalEach(this.all(), signal);
  }
  private signalEach(procs: Proc[], signal: string | number): ResultStruct[] {
    const out: ResultStruct[] = [];
    for (const p of procs) {
      if (!SIGNALLABLE_STATES.includes(p.state)) continue;
      try {
        this.signalProcess(`${p.cfg.group}:${p.cfg.name}`, signal);
        out.push(this.ok(p));
      } catch (e) {
        out.push(this.fail(p, e));
      }
    }
    return out;
  }

  readProcessLog(namespec: string, channel: LogChannel, offset: number, length: number): Buffer {
    const p = this.lookup(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    const path = this.logPath(`${p.cfg.group}:${p.cfg.name}`, channel);
    if (!existsSync(path)) throw new SupervisorError('NO_FILE', path);
    return readFileRange(path, offset, length);
  }
  tailProcessLog(
    namespec: string,
    channel: LogChannel,
    offset: number,
    length: number,
  ): [Buffer, number, boolean] {
    const p = this.lookup(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    const path = this.logPath(`${p.cfg.group}:${p.cfg.name}`, channel);
    if (!existsSync(path)) return [Buffer.alloc(0), 0, false];
    return tailFile(path, offset, length);
  }
  getProcessLogPath(namespec: string, channel: LogChannel): string | null {
    const p = this.lookup(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    return this.logPath(`${p.cfg.group}:${p.cfg.name}`, channel);
  }
  clearProcessLogs(namespec: string): true {
    const p = this.lookup(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    for (const ch of ['stdout', 'stderr'] as const) {
      writeFileSync(this.logPath(`${p.cfg.group}:${p.cfg.name}`, ch), '');
    }
    return true;
  }
  clearAllProcessLogs(): ResultStruct[] {
    return this.all().map((p) => {
      this.clearProcessLogs(`${p.cfg.group}:${p.cfg.name}`);
      return this.ok(p);
    });
  }
  readMainLog(offset: number, length: number): Buffer {
    return readFileRange(this.mainLog, offset, length);
  }
  getMainLogPath(): string | null {
    return this.mainLog;
  }
  clearMainLog(): true {
    writeFileSync(this.mainLog, '');
    return true;
  }
  sendProcessStdin(namespec: string, data: Buffer | string): true {
    const p = this.lookup(namespec);
    if (!p) throw new SupervisorError('BAD_NAME', namespec);
    if (!p.pid) throw new SupervisorError('NOT_RUNNING', namespec);
    p.stdin.push(data.toString());
    return true;
  }
  sendRemoteCommEvent(type: string, data: string): true {
    for (const l of this.listeners) l({ type: 'remote-communication', commType: type, data });
    return true;
  }
  reloadConfig(): ConfigDiff {
    const groupsNow = new Set([...this.procs.values()].map((p) => p.cfg.group));
    const groupsCfg = new Set(this.configured.map((p) => p.group));
    return {
      added: [...groupsCfg].filter((g) => !groupsNow.has(g)).sort(),
      changed: [],
      removed: [...groupsNow].filter((g) => !groupsCfg.has(g)).sort(),
    };
  }
  addProcessGroup(name: string): true {
    const cfgs = this.configured.filter((c) => c.group === name);
    if (cfgs.length === 0) throw new SupervisorError('BAD_NAME', name);
    if (this.groupProcs(name).length > 0) throw new SupervisorError('ALREADY_ADDED', name);
    for (const c of cfgs) this.addProc(c);
    return true;
  }
  removeProcessGroup(name: string): true {
    const ps = this.groupProcs(name);
    if (ps.length === 0) throw new SupervisorError('BAD_NAME', name);
    if (ps.some((p) => !STOPPED_STATES.includes(p.state)))
      throw new SupervisorError('STILL_RUNNING', name);
    for (const p of ps) this.procs.delete(`${p.cfg.group}:${p.cfg.name}`);
    return true;
  }
  shutdown(): true {
    this.statecode = SupervisorStates.SHUTDOWN;
    return true;
  }
  restart(): true {
    this.statecode = SupervisorStates.RESTARTING;
    return true;
  }
  subscribe(listener: (event: EngineEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
