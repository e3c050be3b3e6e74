/**
 * A small in-memory SupervisorFacade for testing the UI handler before the real Supervisor lands:
 * real child processes (`sleep`), real log files, synchronous events like the engine's bus.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type {
  ConfigDiff,
  ConfigInfo,
  ResultStruct,
  SupervisorFacade,
  Unsubscribe,
} from '../../../main/engine/facade.js';
import { SupervisorError } from '../../../main/engine/model/faults.js';
import {
  ProcessStates as S,
  stateName,
  type ProcessState,
} from '../../../main/engine/model/states.js';
import type {
  Config,
  EngineEvent,
  LogChannel,
  ProcessConfig,
  ProcessInfo,
  StateTransition,
} from '../../../main/engine/model/types.js';

interface Proc {
  cfg: ProcessConfig;
  group: string;
  state: ProcessState;
  pid: number;
  start: number;
  stop: number;
  exitstatus: number;
  spawnerr: string;
  child: ChildProcess | null;
  history: StateTransition[];
}

export function processConfig(
  name: string,
  logDir: string,
  extra: Partial<ProcessConfig> = {},
): ProcessConfig {
  const ch = (c: string) => ({
    logfile: path.join(logDir, `${name}-${c}.log`),
    logfileMaxbytes: 50 * 1024 * 1024,
    logfileBackups: 10,
    captureMaxbytes: 0,
    eventsEnabled: false,
    syslog: false,
  });
  return {
    name,
    programName: name,
    section: `program:${name}`,
    processNum: 0,
    command: 'sleep 1000',
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
    stdout: ch('stdout'),
    stderr: ch('stderr'),
    environment: null,
    serverurl: 'AUTO',
    sources: { command: { file: '/etc/fake.conf', line: 3 } },
    ...extra,
  };
}

export class FakeFacade implements SupervisorFacade {
  readonly procs = new Map<string, Proc>();
  private readonly listeners = new Set<(e: EngineEvent) => void>();
  nextDiff: ConfigDiff | Error = { added: [], changed: [], removed: [] };
  mainLog: string | null = null;

  constructor(private readonly groups: { name: string; processes: ProcessConfig[] }[]) {
    for (const g of groups) for (const p of g.processes) this.addProc(g.name, p);
  }

  private addProc(group: string, cfg: ProcessConfig): void {
    this.procs.set(`${group}:${cfg.name}`, {
      cfg,
      group,
      state: S.STOPPED,
      pid: 0,
      start: 0,
      stop: 0,
      exitstatus: 0,
      spawnerr: '',
      child: null,
      history: [],
    });
  }

  private get(namespec: string): Proc {
    const direct = this.procs.get(namespec);
    if (direct) return direct;
    const byName = [...this.procs.values()].find(
      (p) => p.cfg.name === namespec && p.group === namespec,
    );
    if (byName) return byName;
    throw new SupervisorError('BAD_NAME', namespec);
  }

  private emit(e: EngineEvent): void {
    for (const l of this.listeners) l(e);
  }

  setState(p: Proc, to: ProcessState, exitstatus: number | null = null): void {
    const t: StateTransition = {
      at: Date.now(),
      name: p.cfg.name,
      group: p.group,
      from: p.state,
      to,
      pid: p.pid,
      tries: 0,
      expected: exitstatus === null ? null : exitstatus === 0,
      exitstatus,
    };
    p.state = to;
    p.history.push(t);
    this.emit({ type: 'process-state', transition: t });
  }

  info(p: Proc): ProcessInfo {
    const now = Math.floor(Date.now() / 1000);
    let description = '';
    if (p.state === S.RUNNING)
      description = `pid ${p.pid}, uptime 0:00:0${Math.min(9, now - p.start)}`;
    else if (p.state === S.STOPPED && p.stop) description = new Date(p.stop * 1000).toString();
    return {
      name: p.cfg.name,
      group: p.group,
      description,
      start: p.start,
      stop: p.stop,
      now,
      state: p.state,
      statename: stateName(p.state),
      spawnerr: p.spawnerr,
      exitstatus: p.exitstatus,
      logfile: p.cfg.stdout.logfile ?? '',
      stdout_logfile: p.cfg.stdout.logfile ?? '',
      stderr_logfile: p.cfg.stderr.logfile ?? '',
      pid: p.pid,
    };
  }

  getIdentification(): string {
    return 'fake';
  }
  getState() {
    return { statecode: 1 as const, statename: 'RUNNING' as const };
  }
  getPID(): number {
    return process.pid;
  }
  getConfig(): Config {
    return {
      configFile: '/etc/fake.conf',
      files: ['/etc/fake.conf'],
      supervisord: {} as Config['supervisord'],
      unixHttpServer: null,
      inetHttpServer: null,
      supervisorctl: {} as Config['supervisorctl'],
      rpcinterfaces: {},
      groups: this.groups.map((g) => ({
        name: g.name,
        kind: 'program' as const,
        priority: 999,
        processes: g.processes,
        source: { file: '/etc/fake.conf', line: 1 },
      })),
      warnings: [],
    };
  }
  getProcessInfo(namespec: string): ProcessInfo {
    return this.info(this.get(namespec));
  }
  getAllProcessInfo(): ProcessInfo[] {
    return [...this.procs.values()].map((p) => this.info(p));
  }
  getAllConfigInfo(): ConfigInfo[] {
    return [];
  }
  getProcessHistory(namespec: string): StateTransition[] {
    return this.get(namespec).history;
  }

  async startProcess(namespec: string): Promise<true> {
    const p = this.get(namespec);
    if (p.state === S.RUNNING || p.state === S.STARTING)
      throw new SupervisorError('ALREADY_STARTED', namespec);
    const child = spawn('sleep', ['1000'], { stdio: 'ignore' });
    p.child = child;
    p.pid = child.pid ?? 0;
    p.start = Math.floor(Date.now() / 1000);
    this.setState(p, S.STARTING);
    this.setState(p, S.RUNNING);
    child.on('exit', (code, sig) => {
      p.child = null;
      p.stop = Math.floor(Date.now() / 1000);
      p.exitstatus = code ?? 0;
      if (p.state === S.STOPPING) {
        this.setState(p, S.STOPPED, code);
      } else {
        this.setState(p, S.EXITED, code ?? (sig ? -1 : 0));
      }
      p.pid = 0;
    });
    return true;
  }
  private results(ps: Proc[], fn: (p: Proc) => Promise<unknown>): Promise<ResultStruct[]> {
    return Promise.all(
      ps.map(async (p) => {
        try {
          await fn(p);
          return { name: p.cfg.name, group: p.group, status: 80 as const, description: 'OK' };
        } catch (e) {
          const err = e as SupervisorError;
          return { name: p.cfg.name, group: p.group, status: err.code, description: err.message };
        }
      }),
    );
  }
  private inGroup(name: string): Proc[] {
    const ps = [...this.procs.values()].filter((p) => p.group === name);
    if (ps.length === 0) throw new SupervisorError('BAD_NAME', name);
    return ps;
  }
  startProcessGroup(name: string): Promise<ResultStruct[]> {
    return this.results(this.inGroup(name), (p) => this.startProcess(`${p.group}:${p.cfg.name}`));
  }
  startAllProcesses(): Promise<ResultStruct[]> {
    return this.results([...this.procs.values()], (p) =>
      this.startProcess(`${p.group}:${p.cfg.name}`),
    );
  }
  async stopProcess(namespec: string): Promise<true> {
    const p = this.get(namespec);
    if (p.state !== S.RUNNING && p.state !== S.STARTING)
      throw new SupervisorError('NOT_RUNNING', namespec);
    const child = p.child;
    this.setState(p, S.STOPPING);
    if (child) {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
    }
    return true;
  }
  stopProcessGroup(name: string): Promise<ResultStruct[]> {
    return this.results(this.inGroup(name), (p) => this.stopProcess(`${p.group}:${p.cfg.name}`));
  }
  stopAllProcesses(): Promise<ResultStruct[]> {
    return this.results(
      [...this.procs.values()].filter((p) => p.state === S.RUNNING),
      (p) => this.stopProcess(`${p.group}:${p.cfg.name}`),
    );
  }
  signalProcess(namespec: string, signal: string | number): true {
    const p = this.get(namespec);
    if (!p.child) throw new SupervisorError('NOT_RUNNING', namespec);
    const name =
      typeof signal === 'number'
        ? signal
        : `SIG${String(signal).replace(/^SIG/i, '').toUpperCase()}`;
    try {
      p.child.kill(name as NodeJS.Signals);
    } catch {
      throw new SupervisorError('BAD_SIGNAL', String(signal));
    }
    return true;
  }
  signalProcessGroup(): ResultStruct[] {
    return [];
  }
  signalAllProcesses(): ResultStruct[] {
    return [];
  }
  readProcessLog(): Buffer {
    return Buffer.alloc(0);
  }
  tailProcessLog(): [Buffer, number, boolean] {
    return [Buffer.alloc(0), 0, false];
  }
  getProcessLogPath(namespec: string, channel: LogChannel): string | null {
    return this.get(namespec).cfg[channel].logfile;
  }
  clearProcessLogs(namespec: string): true {
    const p = this.get(namespec);
    for (const ch of ['stdout', 'stderr'] as const) {
      const f = p.cfg[ch].logfile;
      if (f && fs.existsSync(f)) fs.truncateSync(f, 0);
    }
    return true;
  }
  clearAllProcessLogs(): ResultStruct[] {
    return [];
  }
  readMainLog(): Buffer {
    return Buffer.alloc(0);
  }
  getMainLogPath(): string | null {
    return this.mainLog;
  }
  clearMainLog(): true {
    return true;
  }
  sendProcessStdin(): true {
    return true;
  }
  sendRemoteCommEvent(): true {
    return true;
  }
  reloadConfig(): ConfigDiff {
    if (this.nextDiff instanceof Error) throw this.nextDiff;
    return this.nextDiff;
  }
  addProcessGroup(): true {
    return true;
  }
  removeProcessGroup(): true {
    return true;
  }
  shutdown(): true {
    return true;
  }
  restart(): true {
    return true;
  }
  subscribe(listener: (event: EngineEvent) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Kills every child (test teardown). */
  killAll(): void {
    for (const p of this.procs.values()) p.child?.kill('SIGKILL');
  }
}
