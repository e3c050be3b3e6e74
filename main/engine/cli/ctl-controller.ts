/**
 * paddockctl's command interpreter: supervisorctl's `Controller` + `DefaultControllerPlugin`
 * (supervisorctl.py), command for command, with the same output lines and LSB exit statuses.
 * Extras: `status --json` and `update --changed-only`.
 */
import { ProtocolError, RpcClient, XmlRpcFault } from '../rpc/client.js';
import type { XmlRpcStruct, XmlRpcValue } from '../rpc/xmlrpc.js';
import { Faults } from '../model/faults.js';

export const LSB = {
  SUCCESS: 0,
  GENERIC: 1,
  INVALID_ARGS: 2,
  UNIMPLEMENTED_FEATURE: 3,
  INSUFFICIENT_PRIVILEGES: 4,
  NOT_INSTALLED: 5,
  NOT_RUNNING: 7,
} as const;
const STATUS_NOT_RUNNING = 3;
const STATUS_UNKNOWN = 4;
const DEAD_PROGRAM_FAULTS: number[] = [
  Faults.SPAWN_ERROR,
  Faults.ABNORMAL_TERMINATION,
  Faults.NOT_RUNNING,
];
const STOPPED_STATES = [0, 100, 200, 1000];
const RUNNING = 20;

export interface CtlOptions {
  serverurl: string;
  username: string | null;
  password: string | null;
  interactive: boolean;
  prompt: string;
  historyFile: string | null;
}

export interface CtlIO {
  write(s: string): void;
  /** Diagnostics that must not mix with machine-readable stdout (status --json). */
  writeErr?(s: string): void;
  /** Ask a question (interactive confirmations); null when there is no terminal. */
  ask?(question: string, hidden?: boolean): Promise<string | null>;
  /** Aborted when the user presses Ctrl-C during `tail -f` / `maintail -f` / `fg`. */
  interrupt?: () => AbortSignal;
  /** Lines typed while in `fg` (resolves null at EOF). */
  readLine?: () => Promise<string | null>;
}

interface ProcInfo {
  name: string;
  group: string;
  state: number;
  statename: string;
  description: string;
  pid: number;
  [k: string]: XmlRpcValue;
}

export function makeNamespec(group: string, name: string): string {
  return group === name ? name : `${group}:${name}`;
}

export function splitNamespec(namespec: string): [string, string | null] {
  const i = namespec.indexOf(':');
  if (i === -1) return [namespec, namespec];
  const p = namespec.slice(i + 1);
  return [namespec.slice(0, i), p === '' || p === '*' ? null : p];
}

/** Python's `'%-Ns' % s`. */
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));

const HELP: Record<string, string[]> = {
  add: ['add <name> [...]\tActivates any updates in config for process/group'],
  avail: ['avail\t\t\tDisplay all configured processes'],
  clear: [
    "clear <name>\t\tClear a process' log files.",
    "clear <name> <name>\tClear multiple process' log files",
    "clear all\t\tClear all process' log files",
  ],
  exit: ['exit\tExit the supervisor shell.'],
  fg: ['fg <process>\tConnect to a process in foreground mode', '\t\tCtrl-C to exit'],
  maintail: [
    'maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n' +
      'maintail -100\tlast 100 *bytes* of supervisord main log file\n' +
      'maintail\tlast 1600 *bytes* of supervisor main log file\n',
  ],
  open: [
    'open <url>\tConnect to a remote supervisord process.',
    '\t\t(for UNIX domain socket, use unix:///socket/path)',
  ],
  pid: [
    'pid\t\t\tGet the PID of supervisord.',
    'pid <name>\t\tGet the PID of a single child process by name.',
    'pid all\t\t\tGet the PID of every child process, one per line.',
  ],
  quit: ['quit\tExit the supervisor shell.'],
  reload: ['reload \t\tRestart the remote supervisord.'],
  remove: ['remove <name> [...]\tRemoves process/group from active config'],
  reread: ["reread \t\t\tReload the daemon's configuration files without add/remove"],
  restart: [
    'restart <name>\t\tRestart a process',
    'restart <gname>:*\tRestart all processes in a group',
    'restart <name> <name>\tRestart multiple processes or groups',
    'restart all\t\tRestart all processes',
    'Note: restart does not reread config files. For that, see reread and update.',
  ],
  shutdown: ['shutdown \tShut the remote supervisord down.'],
  signal: [
    'signal <signal name> <name>\t\tSignal a process',
    'signal <signal name> <gname>:*\t\tSignal all processes in a group',
    'signal <signal name> <name> <name>\tSignal multiple processes or groups',
    'signal <signal name> all\t\tSignal all processes',
  ],
  start: [
    'start <name>\t\tStart a process',
    'start <gname>:*\t\tStart all processes in a group',
    'start <name> <name>\tStart multiple processes or groups',
    'start all\t\tStart all processes',
  ],
  status: [
    'status <name>\t\tGet status for a single process',
    'status <gname>:*\tGet status for all processes in a group',
    'status <name> <name>\tGet status for multiple named processes',
    'status\t\t\tGet all process status info',
    'status --json [...]\tThe same, as a JSON array of process-info structs (paddockctl)',
  ],
  stop: [
    'stop <name>\t\tStop a process',
    'stop <gname>:*\t\tStop all processes in a group',
    'stop <name> <name>\tStop multiple processes or groups',
    'stop all\t\tStop all processes',
  ],
  tail: [
    'tail [-f] <name> [stdout|stderr] (default stdout)\n' +
      'Ex:\n' +
      'tail -f <name>\t\tContinuous tail of named process stdout\n' +
      '\t\t\tCtrl-C to exit.\n' +
      'tail -100 <name>\tlast 100 *bytes* of process stdout\n' +
      'tail <name> stderr\tlast 1600 *bytes* of process stderr',
  ],
  update: [
    'update\t\t\tReload config and add/remove as necessary, and will restart affected programs',
    'update all\t\tReload config and add/remove as necessary, and will restart affected programs',
    'update <gname> [...]\tUpdate specific groups',
    'update --changed-only [...]\tLeave groups whose processes have identical config alone (paddockctl)',
  ],
  version: ['version\t\t\tShow the version of the remote supervisord process'],
  help: ['help\t\tPrint a list of available actions', 'help <action>\tPrint help for <action>'],
  EOF: ['To quit, type ^D or use the quit command'],
};

const COMMANDS = [
  'add',
  'avail',
  'clear',
  'exit',
  'fg',
  'maintail',
  'open',
  'pid',
  'quit',
  'reload',
  'remove',
  'reread',
  'restart',
  'shutdown',
  'signal',
  'start',
  'status',
  'stop',
  'tail',
  'update',
  'version',
];

export class Controller {
  exitstatus: number = LSB.SUCCESS;
  private client: RpcClient;

  constructor(
    readonly options: CtlOptions,
    private readonly io: CtlIO,
  ) {
    this.client = this.makeClient();
  }

  private makeClient(): RpcClient {
    return new RpcClient({
      serverurl: this.options.serverurl,
      username: this.options.username,
      password: this.options.password,
    });
  }

  close(): void {
    this.client.close();
  }

  output(s: string): void {
    this.io.write(s + '\n');
  }

  private call(method: string, ...params: XmlRpcValue[]): Promise<XmlRpcValue> {
    return this.client.call(`supervisor.${method}`, ...params);
  }

  /** Commands known to the shell (for completion). */
  static commands(): string[] {
    return [...COMMANDS, 'help'];
  }

  /** Run one command line. Returns true when the shell should exit. */
  async onecmd(line: string): Promise<boolean> {
    line = line.trim();
    if (!line) return false;
    const m = /^(\S+)\s*(.*)$/.exec(line)!;
    let cmd = m[1]!;
    let arg = m[2]!;
    if (cmd.startsWith('?')) {
      arg = (cmd.slice(1) + ' ' + arg).trim();
      cmd = 'help';
    }
    if (line === 'EOF') {
      this.output('');
      return true;
    }
    const known = cmd === 'help' || COMMANDS.includes(cmd);
    if (!/^[A-Za-z0-9_]+$/.test(cmd) || !known) {
      this.output(`*** Unknown syntax: ${line}`);
      this.exitstatus = LSB.GENERIC;
      return false;
    }
    try {
      return await this.dispatch(cmd, arg);
    } catch (e) {
      if (e instanceof ProtocolError && e.status === 401) {
        if (this.options.interactive && this.io.ask) {
          this.output('Server requires authentication');
          const username = await this.io.ask('Username:');
          const password = await this.io.ask('Password:', true);
          this.output('');
          this.options.username = username;
          this.options.password = password;
          this.client.close();
          this.client = this.makeClient();
          return this.onecmd(line);
        }
        this.output('Server requires authentication');
        this.exitstatus = LSB.GENERIC;
        return false;
      }
      this.output(`error: ${errorText(e)}`);
      this.exitstatus = LSB.GENERIC;
      return false;
    }
  }

  private async dispatch(cmd: string, arg: string): Promise<boolean> {
    switch (cmd) {
      case 'help':
        this.doHelp(arg);
        return false;
      case 'quit':
      case 'exit':
        this.output('');
        return true;
      case 'tail':
        await this.doTail(arg);
        return false;
      case 'maintail':
        await this.doMaintail(arg);
        return false;
      case 'status':
        await this.doStatus(arg);
        return false;
      case 'pid':
        await this.doPid(arg);
        return false;
      case 'start':
        await this.doStart(arg);
        return false;
      case 'stop':
        await this.doStop(arg);
        return false;
      case 'signal':
        await this.doSignal(arg);
        return false;
      case 'restart':
        await this.doRestart(arg);
        return false;
      case 'shutdown':
        await this.doShutdown(arg);
        return false;
      case 'reload':
        await this.doReload(arg);
        return false;
      case 'avail':
        await this.doAvail(arg);
        return false;
      case 'reread':
        await this.doReread(arg);
        return false;
      case 'add':
        await this.doAdd(arg);
        return false;
      case 'remove':
        await this.doRemove(arg);
        return false;
      case 'update':
        await this.doUpdate(arg);
        return false;
      case 'clear':
        await this.doClear(arg);
        return false;
      case 'open':
        await this.doOpen(arg);
        return false;
      case 'version':
        await this.doVersion(arg);
        return false;
      case 'fg':
        await this.doFg(arg);
        return false;
    }
    return false;
  }

  private help(cmd: string): void {
    for (const l of HELP[cmd] ?? []) this.output(l);
  }

  private doHelp(arg: string): void {
    const a = arg.trim();
    if (a) {
      if (HELP[a]) this.help(a);
      else this.output(`*** No help on ${a}`);
      return;
    }
    this.output('');
    this.output('default commands (type help <topic>):');
    this.output('=====================================');
    const names = [...COMMANDS].sort();
    // cmd.Cmd.columnize into 80 columns
    this.output(columnize(names, 79));
    this.output('');
  }

  /** supervisorctl's `upcheck`: the server must speak API 3.0. */
  async upcheck(): Promise<boolean> {
    try {
      const api = await this.call('getVersion');
      if (api !== '3.0') {
        this.output(
          'Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, ' +
            `but the remote version is ${String(api)}.`,
        );
        this.exitstatus = LSB.NOT_INSTALLED;
        return false;
      }
    } catch (e) {
      if (e instanceof XmlRpcFault && e.faultCode === Faults.UNKNOWN_METHOD) {
        this.output(
          'Sorry, supervisord responded but did not recognize the supervisor namespace commands ' +
            'that supervisorctl uses to control it.  Please check that the ' +
            '[rpcinterface:supervisor] section is enabled in the configuration file ' +
            '(see sample.conf).',
        );
        this.exitstatus = LSB.UNIMPLEMENTED_FEATURE;
        return false;
      }
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ECONNREFUSED') {
        this.output(`${this.options.serverurl} refused connection`);
        this.exitstatus = LSB.INSUFFICIENT_PRIVILEGES;
        return false;
      }
      if (code === 'ENOENT') {
        this.output(`${this.options.serverurl} no such file`);
        this.exitstatus = LSB.NOT_RUNNING;
        return false;
      }
      this.exitstatus = LSB.GENERIC;
      throw e;
    }
    return true;
  }

  private setExitFromFault(code: number, ignored?: number): void {
    if (code === ignored || code === Faults.SUCCESS) return;
    this.exitstatus = DEAD_PROGRAM_FAULTS.includes(code) ? LSB.NOT_RUNNING : LSB.GENERIC;
  }

  private async tailf(path: string): Promise<void> {
    this.output('==> Press Ctrl-C to exit <==');
    const signal = this.io.interrupt?.();
    const res = await this.client.get(path);
    if (res.statusCode !== 200) {
      res.resume();
      // supervisorctl's http_client prints nothing useful either; say what happened.
      this.io.write(`${this.options.serverurl}${path} ${res.statusCode} ${res.statusMessage}\n`);
      this.exitstatus = LSB.GENERIC;
      return;
    }
    await new Promise<void>((resolve) => {
      const finish = (): void => {
        res.destroy();
        resolve();
      };
      res.on('data', (c: Buffer) => this.io.write(c.toString('utf8')));
      res.on('end', resolve);
      res.on('error', () => resolve());
      res.on('close', resolve);
      if (signal) {
        if (signal.aborted) finish();
        signal.addEventListener('abort', () => {
          this.output('');
          finish();
        });
      }
    });
  }

  async doTail(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const args = arg.split(/\s+/).filter(Boolean);
    if (args.length < 1) {
      this.output('Error: too few arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('tail');
    }
    if (args.length > 3) {
      this.output('Error: too many arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('tail');
    }
    let modifier: string | null = null;
    if (args[0]!.startsWith('-')) modifier = args.shift()!;
    let name: string;
    let channel: string;
    if (args.length === 1) {
      name = args[0]!;
      channel = 'stdout';
    } else if (args.length) {
      name = args[0]!;
      channel = args[args.length - 1]!.toLowerCase();
      if (channel !== 'stderr' && channel !== 'stdout') {
        this.output(`Error: bad channel '${channel}'`);
        this.exitstatus = LSB.GENERIC;
        return;
      }
    } else {
      this.output('Error: tail requires process name');
      this.exitstatus = LSB.GENERIC;
      return;
    }
    let bytes: number | null = 1600;
    if (modifier !== null) {
      const what = modifier.slice(1);
      if (what === 'f') bytes = null;
      else if (/^[+-]?\d+$/.test(what.trim())) bytes = parseInt(what, 10);
      else {
        this.output(`Error: bad argument ${modifier}`);
        this.exitstatus = LSB.GENERIC;
        return;
      }
    }
    if (bytes === null) return this.tailf(`/logtail/${name}/${channel}`);
    try {
      const method = channel === 'stdout' ? 'readProcessStdoutLog' : 'readProcessStderrLog';
      this.output(String(await this.call(method, name, -bytes, 0)));
    } catch (e) {
      if (!(e instanceof XmlRpcFault)) throw e;
      this.exitstatus = LSB.GENERIC;
      if (e.faultCode === Faults.NO_FILE) this.output(`${name}: ERROR (no log file)`);
      else if (e.faultCode === Faults.FAILED)
        this.output(`${name}: ERROR (unknown error reading log)`);
      else if (e.faultCode === Faults.BAD_NAME)
        this.output(`${name}: ERROR (no such process name)`);
      else throw e;
    }
  }

  async doMaintail(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const args = arg.split(/\s+/).filter(Boolean);
    let bytes = 1600;
    if (args.length > 1) {
      this.output('Error: too many arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('maintail');
    } else if (args.length === 1) {
      const a = args[0]!;
      if (!a.startsWith('-')) {
        this.output(`Error: bad argument ${a}`);
        this.exitstatus = LSB.GENERIC;
        return;
      }
      const what = a.slice(1);
      if (what === 'f') return this.tailf('/mainlogtail');
      if (!/^[+-]?\d+$/.test(what.trim())) {
        this.output(`Error: bad argument ${a}`);
        this.exitstatus = LSB.GENERIC;
        return;
      }
      bytes = parseInt(what, 10);
    }
    try {
      this.output(String(await this.call('readLog', -bytes, 0)));
    } catch (e) {
      if (!(e instanceof XmlRpcFault)) throw e;
      this.exitstatus = LSB.GENERIC;
      if (e.faultCode === Faults.NO_FILE) this.output('supervisord: ERROR (no log file)');
      else if (e.faultCode === Faults.FAILED)
        this.output('supervisord: ERROR (unknown error reading log)');
      else throw e;
    }
  }

  private showStatuses(infos: ProcInfo[]): void {
    const specs = infos.map((i) => makeNamespec(i.group, i.name));
    const maxlen = Math.max(30, ...specs.map((s) => s.length));
    infos.forEach((info, i) => {
      this.output(pad(specs[i]!, maxlen + 3) + pad(info.statename, 10) + info.description);
    });
  }

  async doStatus(arg: string): Promise<void> {
    if (!(await this.upcheck())) {
      this.exitstatus = STATUS_UNKNOWN;
      return;
    }
    let names = arg.split(/\s+/).filter(Boolean);
    const json = names.includes('--json');
    names = names.filter((n) => n !== '--json');
    const all = (await this.call('getAllProcessInfo')) as ProcInfo[];
    let matching: ProcInfo[];
    const errors: string[] = [];
    if (!names.length || names.includes('all')) matching = all;
    else {
      matching = [];
      for (const name of names) {
        const [g, p] = splitNamespec(name);
        const found = all.filter((i) => i.group === g && (p === null || i.name === p));
        matching.push(...found);
        if (!found.length) {
          errors.push(
            p === null ? `${g}: ERROR (no such group)` : `${name}: ERROR (no such process)`,
          );
          this.exitstatus = STATUS_UNKNOWN;
        }
      }
    }
    if (json) {
      this.output(JSON.stringify(matching, null, 2));
      for (const e of errors) {
        if (this.io.writeErr) this.io.writeErr(e + '\n');
        else this.io.write(e + '\n');
      }
    } else {
      for (const e of errors) this.output(e);
      this.showStatuses(matching);
    }
    if (matching.some((i) => STOPPED_STATES.includes(i.state)))
      this.exitstatus = STATUS_NOT_RUNNING;
  }

  async doPid(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const names = arg.split(/\s+/).filter(Boolean);
    if (!names.length) {
      this.output(String(await this.call('getPID')));
    } else if (names.includes('all')) {
      for (const info of (await this.call('getAllProcessInfo')) as ProcInfo[]) {
        this.output(String(info.pid));
      }
    } else {
      for (const name of names) {
        try {
          const info = (await this.call('getProcessInfo', name)) as ProcInfo;
          this.output(String(info.pid));
          if (info.pid === 0) this.exitstatus = LSB.NOT_RUNNING;
        } catch (e) {
          this.exitstatus = LSB.GENERIC;
          if (e instanceof XmlRpcFault && e.faultCode === Faults.BAD_NAME) {
            this.output(`No such process ${name}`);
          } else throw e;
        }
      }
    }
  }

  private startResult(r: XmlRpcStruct): string {
    const name = makeNamespec(r['group'] as string, r['name'] as string);
    const t = (why: string): string => `${name}: ERROR (${why})`;
    switch (r['status']) {
      case Faults.BAD_NAME:
        return t('no such process');
      case Faults.NO_FILE:
        return t('no such file');
      case Faults.NOT_EXECUTABLE:
        return t('file is not executable');
      case Faults.ALREADY_STARTED:
        return t('already started');
      case Faults.SPAWN_ERROR:
        return t('spawn error');
      case Faults.ABNORMAL_TERMINATION:
        return t('abnormal termination');
      case Faults.SUCCESS:
        return `${name}: started`;
    }
    throw new Error(`Unknown result code ${String(r['status'])} for ${name}`);
  }

  private signalResult(r: XmlRpcStruct, success = 'signalled'): string {
    const name = makeNamespec(r['group'] as string, r['name'] as string);
    const t = (why: string): string => `${name}: ERROR (${why})`;
    switch (r['status']) {
      case Faults.BAD_NAME:
        return t('no such process');
      case Faults.BAD_SIGNAL:
        return t('bad signal name');
      case Faults.NOT_RUNNING:
        return t('not running');
      case Faults.SUCCESS:
        return `${name}: ${success}`;
      case Faults.FAILED:
        return r['description'] as string;
    }
    throw new Error(`Unknown result code ${String(r['status'])} for ${name}`);
  }

  private clearResult(r: XmlRpcStruct): string {
    const name = makeNamespec(r['group'] as string, r['name'] as string);
    switch (r['status']) {
      case Faults.BAD_NAME:
        return `${name}: ERROR (no such process)`;
      case Faults.FAILED:
        return `${name}: ERROR (failed)`;
      case Faults.SUCCESS:
        return `${name}: cleared`;
    }
    throw new Error(`Unknown result code ${String(r['status'])} for ${name}`);
  }

  /** The shared shape of start/stop/signal/clear over names, groups and `all`. */
  private async perName(
    names: string[],
    opts: {
      all: () => Promise<XmlRpcValue>;
      group: ((g: string) => Promise<XmlRpcValue>) | null;
      one: (name: string) => Promise<XmlRpcValue>;
      format: (r: XmlRpcStruct) => string;
      ignored?: number;
      badGroupExit: number;
      ok: string;
    },
  ): Promise<void> {
    const report = (rs: XmlRpcValue): void => {
      for (const r of rs as XmlRpcStruct[]) {
        this.output(opts.format(r));
        this.setExitFromFault(r['status'] as number, opts.ignored);
      }
    };
    if (names.includes('all')) return report(await opts.all());
    for (const name of names) {
      const [g, p] = splitNamespec(name);
      if (p === null && opts.group) {
        try {
          report(await opts.group(g));
        } catch (e) {
          if (e instanceof XmlRpcFault && e.faultCode === Faults.BAD_NAME) {
            this.output(`${g}: ERROR (no such group)`);
            this.exitstatus = opts.badGroupExit;
          } else {
            this.exitstatus = LSB.GENERIC;
            throw e;
          }
        }
        continue;
      }
      try {
        await opts.one(name);
        this.output(`${makeNamespec(g, p ?? g)}: ${opts.ok}`);
      } catch (e) {
        if (!(e instanceof XmlRpcFault)) throw e;
        const r = { status: e.faultCode, name: p ?? '', group: g, description: e.faultString };
        // supervisorctl passes process_name None here for `g:*` (clear); make_namespec(g, None)
        if (p === null) r.name = 'None';
        this.output(opts.format(r));
        this.setExitFromFault(e.faultCode, opts.ignored);
      }
    }
  }

  async doStart(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const names = arg.split(/\s+/).filter(Boolean);
    if (!names.length) {
      this.output('Error: start requires a process name');
      this.exitstatus = LSB.INVALID_ARGS;
      return this.help('start');
    }
    await this.perName(names, {
      all: () => this.call('startAllProcesses'),
      group: (g) => this.call('startProcessGroup', g),
      one: (n) => this.call('startProcess', n),
      format: (r) => this.startResult(r),
      ignored: Faults.ALREADY_STARTED,
      badGroupExit: LSB.INVALID_ARGS,
      ok: 'started',
    });
  }

  async doStop(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const names = arg.split(/\s+/).filter(Boolean);
    if (!names.length) {
      this.output('Error: stop requires a process name');
      this.exitstatus = LSB.GENERIC;
      return this.help('stop');
    }
    await this.perName(names, {
      all: () => this.call('stopAllProcesses'),
      group: (g) => this.call('stopProcessGroup', g),
      one: (n) => this.call('stopProcess', n),
      format: (r) => this.signalResult(r, 'stopped'),
      ignored: Faults.NOT_RUNNING,
      badGroupExit: LSB.GENERIC,
      ok: 'stopped',
    });
  }

  async doSignal(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const args = arg.split(/\s+/).filter(Boolean);
    if (args.length < 2) {
      this.output('Error: signal requires a signal name and a process name');
      this.help('signal');
      this.exitstatus = LSB.GENERIC;
      return;
    }
    const sig = args[0]!;
    await this.perName(args.slice(1), {
      all: () => this.call('signalAllProcesses', sig),
      group: (g) => this.call('signalProcessGroup', g, sig),
      one: (n) => this.call('signalProcess', n, sig),
      format: (r) => this.signalResult(r),
      badGroupExit: LSB.GENERIC,
      ok: 'signalled',
    });
  }

  async doRestart(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    if (!arg.trim()) {
      this.output('Error: restart requires a process name');
      this.exitstatus = LSB.GENERIC;
      return this.help('restart');
    }
    await this.doStop(arg);
    await this.doStart(arg);
  }

  private async confirm(question: string): Promise<boolean> {
    if (!this.options.interactive || !this.io.ask) return true;
    const a = await this.io.ask(question);
    return (a ?? '').toLowerCase().startsWith('y');
  }

  async doShutdown(arg: string): Promise<void> {
    if (arg.trim()) {
      this.output('Error: shutdown accepts no arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('shutdown');
    }
    if (!(await this.confirm('Really shut the remote supervisord process down y/N? '))) return;
    try {
      await this.call('shutdown');
    } catch (e) {
      if (e instanceof XmlRpcFault && e.faultCode === Faults.SHUTDOWN_STATE) {
        this.output('ERROR: already shutting down');
        return;
      }
      const code = (e as NodeJS.ErrnoException).code;
      this.exitstatus = LSB.GENERIC;
      if (code === 'ECONNREFUSED') {
        this.output(`ERROR: ${this.options.serverurl} refused connection (already shut down?)`);
      } else if (code === 'ENOENT') {
        this.output(`ERROR: ${this.options.serverurl} no such file (already shut down?)`);
      } else throw e;
      return;
    }
    this.output('Shut down');
  }

  async doReload(arg: string): Promise<void> {
    if (arg.trim()) {
      this.output('Error: reload accepts no arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('reload');
    }
    if (!(await this.confirm('Really restart the remote supervisord process y/N? '))) return;
    try {
      await this.call('restart');
    } catch (e) {
      this.exitstatus = LSB.GENERIC;
      if (e instanceof XmlRpcFault && e.faultCode === Faults.SHUTDOWN_STATE) {
        this.output('ERROR: already shutting down');
        return;
      }
      throw e;
    }
    this.output('Restarted supervisord');
  }

  private formatChanges([added, changed, dropped]: string[][]): void {
    const d = new Map<string, string>();
    for (const n of added!) d.set(n, 'available');
    for (const n of changed!) d.set(n, 'changed');
    for (const n of dropped!) d.set(n, 'disappeared');
    if (!d.size) return this.output('No config updates to processes');
    for (const n of [...d.keys()].sort()) this.output(`${n}: ${d.get(n)}`);
  }

  async doAvail(arg: string): Promise<void> {
    if (arg.trim()) {
      this.output('Error: avail accepts no arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('avail');
    }
    let infos: XmlRpcStruct[];
    try {
      infos = (await this.call('getAllConfigInfo')) as XmlRpcStruct[];
    } catch (e) {
      this.exitstatus = LSB.GENERIC;
      if (e instanceof XmlRpcFault && e.faultCode === Faults.SHUTDOWN_STATE) {
        return this.output('ERROR: supervisor shutting down');
      }
      throw e;
    }
    for (const c of infos) {
      const name = makeNamespec(c['group'] as string, c['name'] as string);
      this.output(
        `${pad(name, 32)} ${pad(c['inuse'] ? 'in use' : 'avail', 9)} ` +
          `${pad(c['autostart'] ? 'auto' : 'manual', 9)} ${String(c['group_prio'])}:${String(c['process_prio'])}`,
      );
    }
  }

  async doReread(arg: string): Promise<void> {
    if (arg.trim()) {
      this.output('Error: reread accepts no arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('reread');
    }
    let result: string[][][];
    try {
      result = (await this.call('reloadConfig')) as string[][][];
    } catch (e) {
      this.exitstatus = LSB.GENERIC;
      if (e instanceof XmlRpcFault && e.faultCode === Faults.SHUTDOWN_STATE) {
        return this.output('ERROR: supervisor shutting down');
      }
      if (e instanceof XmlRpcFault && e.faultCode === Faults.CANT_REREAD) {
        return this.output(`ERROR: ${e.faultString}`);
      }
      throw e;
    }
    this.formatChanges(result[0]!);
  }

  async doAdd(arg: string): Promise<void> {
    for (const name of arg.split(/\s+/).filter(Boolean)) {
      try {
        await this.call('addProcessGroup', name);
        this.output(`${name}: added process group`);
      } catch (e) {
        if (!(e instanceof XmlRpcFault)) {
          this.exitstatus = LSB.GENERIC;
          throw e;
        }
        if (e.faultCode === Faults.SHUTDOWN_STATE) {
          this.output('ERROR: shutting down');
          this.exitstatus = LSB.GENERIC;
        } else if (e.faultCode === Faults.ALREADY_ADDED) {
          this.output('ERROR: process group already active');
        } else if (e.faultCode === Faults.BAD_NAME) {
          this.output(`ERROR: no such process/group: ${name}`);
          this.exitstatus = LSB.GENERIC;
        } else {
          this.exitstatus = LSB.GENERIC;
          throw e;
        }
      }
    }
  }

  async doRemove(arg: string): Promise<void> {
    for (const name of arg.split(/\s+/).filter(Boolean)) {
      try {
        await this.call('removeProcessGroup', name);
        this.output(`${name}: removed process group`);
      } catch (e) {
        this.exitstatus = LSB.GENERIC;
        if (e instanceof XmlRpcFault && e.faultCode === Faults.STILL_RUNNING) {
          this.output(`ERROR: process/group still running: ${name}`);
        } else if (e instanceof XmlRpcFault && e.faultCode === Faults.BAD_NAME) {
          this.output(`ERROR: no such process/group: ${name}`);
        } else throw e;
      }
    }
  }

  /**
   * supervisorctl's `update`. With `--changed-only` (paddockctl), groups that reloadConfig calls
   * "changed" but whose processes' config-info is identical before and after the reread (e.g. a
   * whitespace-only edit or a group priority change) are left running, and the processes whose
   * config did change are listed. Against paddockd (which has `paddock.updateProcessGroup`) a
   * changed group is updated in place: only its changed processes restart. Against supervisord,
   * whose API cannot swap one process's config inside a running group, the group is replaced.
   */
  async doUpdate(arg: string): Promise<void> {
    const log = (name: string, msg: string): void => this.output(`${name}: ${msg}`);
    const words = arg.split(/\s+/).filter(Boolean);
    const changedOnly = words.includes('--changed-only');
    let before: XmlRpcStruct[] = [];
    if (changedOnly) before = (await this.call('getAllConfigInfo')) as XmlRpcStruct[];
    let result: string[][][];
    try {
      result = (await this.call('reloadConfig')) as string[][][];
    } catch (e) {
      this.exitstatus = LSB.GENERIC;
      if (e instanceof XmlRpcFault && e.faultCode === Faults.SHUTDOWN_STATE) {
        return this.output('ERROR: already shutting down');
      }
      throw e;
    }
    const [added, changedAll, removed] = result[0]! as [string[], string[], string[]];
    let changed = changedAll;
    // paddockd applies a changed group in place: only the processes whose config changed restart
    // (it compares every option, environment included, which config-info does not carry).
    let inPlace = false;
    if (changedOnly && changedAll.length) {
      const methods = (await this.client.call('system.listMethods')) as string[];
      inPlace = methods.includes('paddock.updateProcessGroup');
    }
    if (changedOnly && !inPlace) {
      const after = (await this.call('getAllConfigInfo')) as XmlRpcStruct[];
      const key = (c: XmlRpcStruct): string => `${String(c['group'])}:${String(c['name'])}`;
      // A running AUTO log shows its generated path, a freshly read one shows 'auto'.
      const auto = (v: XmlRpcValue | undefined): XmlRpcValue | undefined =>
        typeof v === 'string' && /-(stdout|stderr)---/.test(v) ? 'auto' : v;
      const strip = (c: XmlRpcStruct): string =>
        JSON.stringify({
          ...c,
          inuse: null,
          group_prio: null,
          stdout_logfile: auto(c['stdout_logfile']),
          stderr_logfile: auto(c['stderr_logfile']),
        });
      const old = new Map(before.map((c) => [key(c), strip(c)]));
      const now = new Map(after.map((c) => [key(c), strip(c)]));
      changed = changedAll.filter((g) => {
        const specs = new Set([...old.keys(), ...now.keys()].filter((k) => k.startsWith(`${g}:`)));
        const diff = [...specs].filter((k) => old.get(k) !== now.get(k));
        for (const k of diff.sort()) {
          const [grp, name] = k.split(':') as [string, string];
          log(
            makeNamespec(grp, name),
            old.has(k) ? (now.has(k) ? 'config changed' : 'disappeared') : 'available',
          );
        }
        if (!diff.length) log(g, 'no process config changed; left running');
        return diff.length > 0;
      });
    }
    let valid = new Set(words.filter((w) => w !== '--changed-only'));
    if (valid.has('all')) valid = new Set();
    if (valid.size) {
      const groups = new Set(
        ((await this.call('getAllProcessInfo')) as ProcInfo[]).map((i) => i.group),
      );
      for (const g of added) groups.add(g);
      for (const g of valid) {
        if (!groups.has(g)) {
          this.output(`ERROR: no such group: ${g}`);
          this.exitstatus = LSB.GENERIC;
        }
      }
    }
    const wanted = (g: string): boolean => !valid.size || valid.has(g);
    for (const g of removed.filter(wanted)) {
      const results = (await this.call('stopProcessGroup', g)) as XmlRpcStruct[];
      log(g, 'stopped');
      if (results.some((r) => r['status'] === Faults.FAILED)) {
        this.output(`${g}: has problems; not removing`);
        this.exitstatus = LSB.GENERIC;
        continue;
      }
      await this.call('removeProcessGroup', g);
      log(g, 'removed process group');
    }
    for (const g of changed.filter(wanted)) {
      if (inPlace) {
        const [a, c, r] = (await this.client.call('paddock.updateProcessGroup', g)) as [
          string[],
          string[],
          string[],
        ];
        for (const n of r) log(makeNamespec(g, n), 'stopped and removed');
        for (const n of c) log(makeNamespec(g, n), 'restarted with new config');
        for (const n of a) log(makeNamespec(g, n), 'added');
        log(g, 'updated in place; unchanged processes left running');
        continue;
      }
      await this.call('stopProcessGroup', g);
      log(g, 'stopped');
      await this.call('removeProcessGroup', g);
      await this.call('addProcessGroup', g);
      log(g, 'updated process group');
    }
    for (const g of added.filter(wanted)) {
      await this.call('addProcessGroup', g);
      log(g, 'added process group');
    }
  }

  async doClear(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const names = arg.split(/\s+/).filter(Boolean);
    if (!names.length) {
      this.output('Error: clear requires a process name');
      this.exitstatus = LSB.GENERIC;
      return this.help('clear');
    }
    await this.perName(names, {
      all: () => this.call('clearAllProcessLogs'),
      group: null,
      one: (n) => this.call('clearProcessLogs', n),
      format: (r) => this.clearResult(r),
      badGroupExit: LSB.GENERIC,
      ok: 'cleared',
    });
  }

  async doOpen(arg: string): Promise<void> {
    const url = arg.trim();
    if (!/^(unix|http):/.test(url)) {
      this.output('ERROR: url must be http:// or unix://');
      this.exitstatus = LSB.GENERIC;
      return;
    }
    this.options.serverurl = url;
    this.client.close();
    this.client = this.makeClient();
    const old = this.exitstatus;
    await this.doStatus('');
    this.exitstatus = old;
  }

  async doVersion(arg: string): Promise<void> {
    if (arg.trim()) {
      this.output('Error: version accepts no arguments');
      this.exitstatus = LSB.GENERIC;
      return this.help('version');
    }
    if (!(await this.upcheck())) return;
    this.output(String(await this.call('getSupervisorVersion')));
  }

  async doFg(arg: string): Promise<void> {
    if (!(await this.upcheck())) return;
    const names = arg.split(/\s+/).filter(Boolean);
    if (!names.length) {
      this.output('ERROR: no process name supplied');
      this.exitstatus = LSB.GENERIC;
      return this.help('fg');
    }
    if (names.length > 1) {
      this.output('ERROR: too many process names supplied');
      this.exitstatus = LSB.GENERIC;
      return;
    }
    const name = names[0]!;
    let info: ProcInfo;
    try {
      info = (await this.call('getProcessInfo', name)) as ProcInfo;
    } catch (e) {
      if (e instanceof XmlRpcFault && e.faultCode === Faults.BAD_NAME) {
        this.output('ERROR: bad process name supplied');
        this.exitstatus = LSB.GENERIC;
      } else this.output(`ERROR: ${errorText(e)}`);
      return;
    }
    if (info.state !== RUNNING) {
      this.output('ERROR: process not running');
      this.exitstatus = LSB.GENERIC;
      return;
    }
    this.output('==> Press Ctrl-C to exit <==');
    const streams = await Promise.all(
      ['stdout', 'stderr'].map((ch) => this.client.get(`/logtail/${name}/${ch}`)),
    );
    for (const s of streams) {
      if (s.statusCode === 200) s.on('data', (c: Buffer) => this.io.write(c.toString('utf8')));
      else s.resume();
    }
    const stopStreams = (): void => streams.forEach((s) => s.destroy());
    const signal = this.io.interrupt?.();
    const interrupted = new Promise<null>((resolve) => {
      if (signal) signal.addEventListener('abort', () => resolve(null));
    });
    try {
      for (;;) {
        const line = await Promise.race([
          this.io.readLine ? this.io.readLine() : null,
          interrupted,
        ]);
        if (line === null) {
          this.output('Exiting foreground');
          return;
        }
        try {
          await this.call('sendProcessStdin', name, line + '\n');
        } catch (e) {
          if (e instanceof XmlRpcFault && e.faultCode === Faults.NOT_RUNNING) {
            this.output('Process got killed');
          } else this.output(`ERROR: ${errorText(e)}`);
          this.output('Exiting foreground');
          return;
        }
        const now = (await this.call('getProcessInfo', name)) as ProcInfo;
        if (now.state !== RUNNING) {
          this.output('Process got killed');
          this.output('Exiting foreground');
          return;
        }
      }
    } finally {
      stopStreams();
    }
  }
}

function errorText(e: unknown): string {
  if (e instanceof XmlRpcFault) return `<Fault ${e.faultCode}: '${e.faultString}'>`;
  if (e instanceof ProtocolError) return e.message;
  const err = e as NodeJS.ErrnoException;
  if (err && err.code) return `${err.code}, ${err.message}`;
  return String(err?.message ?? e);
}

/** Python `cmd.Cmd.columnize`. */
export function columnize(list: string[], displaywidth: number): string {
  const size = list.length;
  if (size === 1) return list[0]!;
  for (let nrows = 1; nrows < size; nrows++) {
    const ncols = Math.ceil(size / nrows);
    const colwidths: number[] = [];
    let totwidth = -2;
    for (let col = 0; col < ncols; col++) {
      let colwidth = 0;
      for (let row = 0; row < nrows; row++) {
        const i = row + nrows * col;
        if (i >= size) break;
        colwidth = Math.max(colwidth, list[i]!.length);
      }
      colwidths.push(colwidth);
      totwidth += colwidth + 2;
      if (totwidth > displaywidth) break;
    }
    if (totwidth <= displaywidth) {
      const lines: string[] = [];
      for (let row = 0; row < nrows; row++) {
        const texts: string[] = [];
        for (let col = 0; col < ncols; col++) {
          const i = row + nrows * col;
          texts.push(i >= size ? '' : list[i]!);
        }
        while (texts.length && !texts[texts.length - 1]) texts.pop();
        lines.push(texts.map((t, c) => pad(t, colwidths[c]!)).join('  '));
      }
      return lines.join('\n');
    }
  }
  return list.join('\n');
}
