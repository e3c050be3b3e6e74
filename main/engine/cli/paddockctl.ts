/**
 * paddockctl: supervisorctl for people without Python. Same options (`-c -s -u -p -i -r -h`),
 * same `[supervisorctl]` section, same commands, output and exit statuses; an interactive shell
 * (node:readline) when run without a command. Talks to paddockd and to supervisord alike.
 */
import { existsSync, readFileSync, appendFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { Controller, type CtlIO, type CtlOptions } from './ctl-controller.js';

const USAGE = `paddockctl -- control applications run by paddockd or supervisord from the cmd line.

Usage: paddockctl [options] [action [arguments]]

Options:
-c/--configuration FILENAME -- configuration file path (searches if not given)
-h/--help -- print usage message and exit
-i/--interactive -- start an interactive shell after executing commands
-s/--serverurl URL -- URL on which supervisord server is listening
     (default "http://localhost:9001").
-u/--username USERNAME -- username to use for authentication with server
-p/--password PASSWORD -- password to use for authentication with server
-r/--history-file -- keep a readline history (if readline is available)

action [arguments] -- see below

Actions are commands like "tail" or "stop".  If -i is specified or no action is
specified on the command line, a "shell" interpreting actions typed
interactively is started.  Use the action "help" to find out about available
actions.

paddockctl extras: "status --json [names]" prints JSON; "update --changed-only"
leaves groups whose processes' config did not change alone.
`;

export class UsageError extends Error {}

interface Parsed {
  configFile: string | null;
  interactive: boolean;
  serverurl: string | null;
  username: string | null;
  password: string | null;
  historyFile: string | null;
  help: boolean;
  args: string[];
}

/** getopt-style parsing: options stop at the first positional argument, as in supervisorctl. */
export function parseArgs(argv: string[]): Parsed {
  const p: Parsed = {
    configFile: null,
    interactive: false,
    serverurl: null,
    username: null,
    password: null,
    historyFile: null,
    help: false,
    args: [],
  };
  const withValue: Record<string, keyof Parsed> = {
    c: 'configFile',
    configuration: 'configFile',
    s: 'serverurl',
    serverurl: 'serverurl',
    u: 'username',
    username: 'username',
    p: 'password',
    password: 'password',
    r: 'historyFile',
    'history-file': 'historyFile',
    history_file: 'historyFile',
  };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a.startsWith('--')) {
      const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
      if (name === 'help') p.help = true;
      else if (name === 'interactive') p.interactive = true;
      else if (withValue[name]) {
        const v = inline ?? argv[++i];
        if (v === undefined) throw new UsageError(`option --${name} requires argument`);
        (p as unknown as Record<string, string>)[withValue[name]] = v;
      } else throw new UsageError(`option --${name} not recognized`);
      continue;
    }
    for (let j = 1; j < a.length; j++) {
      const f = a[j]!;
      if (f === 'h') p.help = true;
      else if (f === 'i') p.interactive = true;
      else if (withValue[f]) {
        const v = a.length > j + 1 ? a.slice(j + 1) : argv[++i];
        if (v === undefined) throw new UsageError(`option -${f} requires argument`);
        (p as unknown as Record<string, string>)[withValue[f]] = v;
        break;
      } else throw new UsageError(`option -${f} not recognized`);
    }
  }
  p.args = argv.slice(i);
  return p;
}

export interface SupervisorctlSection {
  serverurl: string;
  username: string | null;
  password: string | null;
  prompt: string;
  historyFile: string | null;
}

/**
 * Read the `[supervisorctl]` section as supervisorctl's ClientOptions does: RawConfigParser
 * rules (`;`/`#` comments, `key = value` or `key: value`, continuation lines), `%(here)s` and
 * `%(ENV_X)s` expansions, unix:// paths normalized. The rest of the file is not interpreted.
 */
export function readSupervisorctlSection(file: string): SupervisorctlSection {
  if (!existsSync(file)) throw new UsageError(`could not find config file ${file}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`could not read config file ${file}`);
  }
  const here = dirname(resolve(file));
  const values = new Map<string, string>();
  let section: string | null = null;
  let sawSection = false;
  let lastKey: string | null = null;
  for (const rawLine of text.split(/\r?\n/)) {
    const header = /^\[([^\]]+)\]/.exec(rawLine);
    if (header) {
      section = header[1]!.trim();
      if (section === 'supervisorctl') sawSection = true;
      lastKey = null;
      continue;
    }
    if (/^\s*[;#]/.test(rawLine) || !rawLine.trim()) {
      if (!rawLine.trim()) lastKey = null;
      continue;
    }
    if (section !== 'supervisorctl') continue;
    const stripped = rawLine.replace(/\s[;#].*$/, '');
    if (/^\s/.test(rawLine) && lastKey) {
      values.set(lastKey, `${values.get(lastKey)}\n${stripped.trim()}`);
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(stripped);
    if (!kv) continue;
    lastKey = kv[1]!.trim().toLowerCase();
    values.set(lastKey, kv[2]!.trim());
  }
  if (!sawSection) throw new UsageError('.ini file does not include supervisorctl section');
  const expand = (v: string): string =>
    v.replace(/%\(([^)]+)\)s/g, (m: string, name: string) => {
      if (name === 'here') return here;
      if (name.startsWith('ENV_')) {
        const env = process.env[name.slice(4)];
        if (env !== undefined) return env;
      }
      throw new UsageError(
        `Format string '${v}' for 'supervisorctl.serverurl' contains names ('${name}') which cannot be expanded`,
      );
    });
  let serverurl = expand(values.get('serverurl') ?? 'http://localhost:9001');
  if (serverurl.startsWith('unix://')) serverurl = `unix://${resolve(serverurl.slice(7))}`;
  const history = values.get('history_file');
  return {
    serverurl,
    username: values.get('username') ?? null,
    password: values.get('password') ?? null,
    prompt: values.get('prompt') ?? 'supervisor',
    historyFile: history ? resolve(expand(history)) : null,
  };
}

/** supervisorctl's search path (relative ones resolved against the cwd). */
export const SEARCH_PATHS = [
  'supervisord.conf',
  'etc/supervisord.conf',
  '/etc/supervisord.conf',
  '/etc/supervisor/supervisord.conf',
];

/** supervisord's `url` datatype. */
function checkUrl(value: string): string {
  if (/^(http|unix):\/\//.test(value)) {
    if (value.startsWith('http://')) {
      try {
        new URL(value);
      } catch {
        throw new UsageError(`value ${value} is not a URL`);
      }
    }
    return value;
  }
  throw new UsageError(`value ${value} is not a URL`);
}

export function resolveOptions(parsed: Parsed): CtlOptions {
  let file = parsed.configFile;
  if (file === null) file = SEARCH_PATHS.find((f) => existsSync(f)) ?? null;
  const section: SupervisorctlSection = file
    ? readSupervisorctlSection(file)
    : {
        serverurl: 'http://localhost:9001',
        username: null,
        password: null,
        prompt: 'supervisor',
        historyFile: null,
      };
  return {
    serverurl: checkUrl(parsed.serverurl ?? section.serverurl),
    username: parsed.username ?? section.username,
    password: parsed.password ?? section.password,
    interactive: parsed.interactive || parsed.args.length === 0,
    prompt: section.prompt,
    historyFile: parsed.historyFile ?? section.historyFile,
  };
}

export interface RunIO {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Run paddockctl; resolves the exit status. */
export async function run(argv: string[], io: RunIO = process): Promise<number> {
  let parsed: Parsed;
  let options: CtlOptions;
  try {
    parsed = parseArgs(argv);
    if (parsed.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    options = resolveOptions(parsed);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr.write(`Error: ${e.message}\nFor help, use paddockctl -h\n`);
    return 2;
  }

  let rl: Interface | null = null;
  let interruptCtl: AbortController | null = null;
  const lineQueue: string[] = [];
  const lineWaiters: ((l: string | null) => void)[] = [];
  let eof = false;
  let stdinLines: Interface | null = null;

  const ctlIO: CtlIO = {
    write: (s) => void io.stdout.write(s),
    writeErr: (s) => void io.stderr.write(s),
    interrupt: () => {
      interruptCtl = new AbortController();
      const onSigint = (): void => interruptCtl?.abort();
      process.once('SIGINT', onSigint);
      rl?.once('SIGINT', onSigint);
      interruptCtl.signal.addEventListener('abort', () => process.off('SIGINT', onSigint));
      return interruptCtl.signal;
    },
    ask: (question) =>
      new Promise((resolveAnswer) => {
        if (rl) rl.question(question, resolveAnswer);
        else {
          io.stdout.write(question);
          const once = createInterface({ input: io.stdin, terminal: false });
          once.once('line', (l) => {
            once.close();
            resolveAnswer(l);
          });
          once.once('close', () => resolveAnswer(null));
        }
      }),
    readLine: () =>
      new Promise((resolveLine) => {
        if (!rl && !stdinLines) {
          // one-shot `paddockctl fg name`: read stdin lines ourselves
          stdinLines = createInterface({ input: io.stdin, terminal: false });
          stdinLines.on('line', (l) => {
            const w = lineWaiters.shift();
            if (w) w(l);
            else lineQueue.push(l);
          });
          stdinLines.on('close', () => {
            eof = true;
            for (const w of lineWaiters.splice(0)) w(null);
          });
        }
        if (lineQueue.length) resolveLine(lineQueue.shift()!);
        else if (eof) resolveLine(null);
        else lineWaiters.push(resolveLine);
      }),
  };
  const ctl = new Controller(options, ctlIO);
  try {
    if (parsed.args.length) {
      await ctl.onecmd(parsed.args.join(' '));
      if (!parsed.interactive) return ctl.exitstatus;
    }
    await shell(
      ctl,
      options,
      io,
      (r) => {
        rl = r;
      },
      lineQueue,
      lineWaiters,
      () => (eof = true),
    );
    return 0; // supervisorctl: exit status is always 0 in interactive mode
  } finally {
    (stdinLines as Interface | null)?.close();
    ctl.close();
  }
}

async function shell(
  ctl: Controller,
  options: CtlOptions,
  io: RunIO,
  setRl: (rl: Interface) => void,
  lineQueue: string[],
  lineWaiters: ((l: string | null) => void)[],
  setEof: () => void,
): Promise<void> {
  const isTTY = Boolean((io.stdin as NodeJS.ReadStream).isTTY);
  let history: string[] = [];
  if (options.historyFile && existsSync(options.historyFile)) {
    history = readFileSync(options.historyFile, 'utf8').split('\n').filter(Boolean).reverse();
  }
  const rl = createInterface({
    input: io.stdin,
    output: io.stdout,
    terminal: isTTY,
    history,
    historySize: 1000,
    completer: (line: string): [string[], string] => {
      const words = line.split(/\s+/);
      if (words.length <= 1) {
        const hits = Controller.commands().filter((c) => c.startsWith(words[0] ?? ''));
        return [hits.map((h) => h + ' '), words[0] ?? ''];
      }
      return [[], line];
    },
  });
  setRl(rl);
  const prompt = `${options.prompt}> `;
  rl.setPrompt(prompt);
  let inFg = false;
  const lines: string[] = [];
  let wake: (() => void) | null = null;
  let closed = false;
  rl.on('line', (l) => {
    if (inFg) {
      const w = lineWaiters.shift();
      if (w) w(l);
      else lineQueue.push(l);
      return;
    }
    lines.push(l);
    wake?.();
  });
  rl.on('close', () => {
    closed = true;
    setEof();
    for (const w of lineWaiters.splice(0)) w(null);
    wake?.();
  });
  rl.on('SIGINT', () => {
    if (!inFg) {
      io.stdout.write('\n');
      rl.close();
    }
  });
  const runLine = async (line: string): Promise<boolean> => {
    inFg = /^\s*fg\b/.test(line);
    try {
      return await ctl.onecmd(line);
    } finally {
      inFg = false;
    }
  };
  await runLine('status');
  for (;;) {
    if (isTTY) rl.prompt();
    else io.stdout.write(prompt);
    while (!lines.length && !closed) await new Promise<void>((r) => (wake = r));
    wake = null;
    const line = lines.shift();
    if (line === undefined) {
      io.stdout.write('\n');
      break;
    }
    if (options.historyFile && line.trim()) {
      try {
        appendFileSync(options.historyFile, line + '\n');
      } catch {
        /* like readline.write_history_file errors: ignored */
      }
    }
    if (await runLine(line)) break;
  }
  rl.close();
}
