/**
 * The supervisord config reader: files and `[include]`s on disk, then sections → typed `Config`
 * exactly as supervisord 4.2.5's `ServerOptions.read_config` / `process_groups_from_parser` /
 * `_processes_from_section` / `server_configs_from_parser` and `ClientOptions.read_config` do,
 * but collecting EVERY problem instead of stopping at the first.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type {
  ChannelConfig,
  Config,
  GroupConfig,
  GroupKind,
  InetHttpServerConfig,
  LogTarget,
  ProcessConfig,
  SourceLocation,
  SupervisorctlConfig,
  SupervisordConfig,
  UnixHttpServerConfig,
} from '../model/types.js';
import {
  ConversionError,
  boolean,
  byteSize,
  dictOfKeyValuePairs,
  expandUser,
  inetAddress,
  integer,
  listOfStrings,
  loggingLevel,
  normalizePath,
  octal,
  portNumber,
  processOrGroupName,
  userGroup,
} from './datatypes.js';
import { ExpansionError, expand, replaceHere, type Expansions } from './expand.js';
import { glob } from './glob.js';
import {
  emptyDocument,
  getOption,
  optionNames,
  parseIni,
  pyRepr,
  pyStrip,
  type IniDocument,
  type IniEntry,
} from './ini.js';
import {
  DEFAULT_RESULT_HANDLER,
  EVENTLISTENER_KEYS,
  FCGI_KEYS,
  PROGRAM_KEYS,
  PROGRAM_SCHEMA,
  SECTION_KEYS,
  STOCK_RPCINTERFACE,
  type ProgramKey,
} from './schema.js';
import { EVENT_TYPE_NAMES } from '../events/types.js';

export interface ConfigIssue {
  file: string;
  line: number | null;
  section: string | null;
  option: string | null;
  message: string;
}

function displayPath(file: string): string {
  const cwd = process.cwd();
  const rel = path.relative(cwd, file);
  if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return rel;
  return file;
}

/** `conf.d/web.conf:12 [program:web] startsecs: expected an integer, got "abc"` */
export function formatIssue(i: ConfigIssue): string {
  let s = displayPath(i.file);
  if (i.line !== null) s += `:${i.line}`;
  if (i.section !== null) s += ` [${i.section}]`;
  if (i.option !== null) s += ` ${i.option}`;
  return `${s}: ${i.message}`;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export interface LoadOptions {
  /** Environment for `%(ENV_X)s` (default: process.env). */
  env?: Record<string, string | undefined>;
  /** `%(host_node_name)s` (default: os.hostname()). */
  hostNodeName?: string;
  /** Directory relative paths (logfile, pidfile, socket) resolve against (default: process.cwd()). */
  cwd?: string;
  /**
   * Check the filesystem like supervisord does at parse time: directories of `logfile`,
   * `pidfile` and `*_logfile` paths, `childlogdir` and `[supervisord] directory` must exist.
   * Default true; the corpus comparison turns it off to compare the parse, not the machine.
   */
  checkEnvironment?: boolean;
}

/** Thrown internally for one problem; collected into ConfigIssue. */
class Problem extends Error {}

function messageOf(e: unknown): string {
  if (e instanceof ConversionError || e instanceof ExpansionError || e instanceof Problem) {
    return e.message;
  }
  throw e;
}

/** tempfile.gettempdir(): TMPDIR, TEMP, TMP, then the platform default. */
function tempDir(env: Record<string, string | undefined>): string {
  for (const k of ['TMPDIR', 'TEMP', 'TMP']) {
    const v = env[k];
    if (v) return path.resolve(v);
  }
  return os.tmpdir();
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const SERVER_URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):(.+)$/;
const ENTRY_POINT_RE = /^[\w.]+\s*(:\s*[\w.]+)?\s*(\[.*\])?\s*$/;

class Loader {
  readonly issues: ConfigIssue[] = [];
  readonly warnings: string[] = [];
  readonly doc: IniDocument = emptyDocument();
  readonly files: string[] = [];
  readonly env: Record<string, string | undefined>;
  readonly hostNodeName: string;
  readonly cwd: string;
  readonly checkEnv: boolean;
  readonly home: string | undefined;
  /** supervisord's `environ_expansions` (ENV_* of the process env, then [supervisord] environment). */
  readonly envExpansions: Expansions = {};
  here = '';
  mainFile = '';

  constructor(opts: LoadOptions) {
    this.env = opts.env ?? process.env;
    this.hostNodeName = opts.hostNodeName ?? os.hostname();
    this.cwd = opts.cwd ?? process.cwd();
    this.checkEnv = opts.checkEnvironment ?? true;
    this.home = this.env.HOME ?? os.homedir();
    for (const [k, v] of Object.entries(this.env)) {
      if (v !== undefined) this.envExpansions[`ENV_${k}`] = v;
    }
  }

  issue(
    loc: { file: string; line: number | null } | null,
    section: string | null,
    option: string | null,
    message: string,
  ): void {
    const i: ConfigIssue = {
      file: loc?.file ?? this.mainFile,
      line: loc?.line ?? null,
      section,
      option,
      message,
    };
    // one problem per option line (e.g. a group-level and a program-level read of `priority`)
    const same = (x: ConfigIssue): boolean =>
      i.option !== null
        ? x.file === i.file && x.line === i.line && x.section === i.section && x.option === i.option
        : formatIssue(x) === formatIssue(i);
    if (!this.issues.some(same)) this.issues.push(i);
  }

  warn(
    loc: { file: string; line: number | null } | null,
    section: string | null,
    message: string,
  ): void {
    const w = formatIssue({
      file: loc?.file ?? this.mainFile,
      line: loc?.line ?? null,
      section,
      option: null,
      message,
    });
    if (!this.warnings.includes(w)) this.warnings.push(w);
  }

  sectionLoc(section: string): SourceLocation {
    const s = this.doc.sections.get(section);
    return s ? { file: s.file, line: s.line } : { file: this.mainFile, line: 0 };
  }

  entryLoc(section: string, entry: IniEntry | undefined): { file: string; line: number | null } {
    if (entry) return { file: entry.file, line: entry.line };
    const s = this.doc.sections.get(section);
    return s ? { file: s.file, line: s.line } : { file: this.mainFile, line: null };
  }

  /**
   * `parser.saneget(section, option, default)`: the raw value or the default, expanded with
   * ENV_* plus `extra`. Returns null when unset and default is null; on an expansion error,
   * records it and returns null.
   */
  get(
    section: string,
    option: string,
    def: string | null,
    extra: Expansions,
    doExpand = true,
  ): { value: string | null; entry: IniEntry | undefined; failed: boolean } {
    const entry = getOption(this.doc, section, option);
    const raw = entry ? entry.value : def;
    // Without a '%' there is nothing to expand (and no format error to find): skip building
    // the expansion table, which holds the whole environment.
    if (raw === null || !doExpand || !raw.includes('%'))
      return { value: raw, entry, failed: false };
    try {
      return {
        value: expand(raw, { ...this.envExpansions, ...extra }, `${section}.${option}`),
        entry,
        failed: false,
      };
    } catch (e) {
      this.issue(this.entryLoc(section, entry), section, option, messageOf(e));
      return { value: null, entry, failed: true };
    }
  }

  /** get + convert; on failure records the issue and converts the default instead. */
  typed<T>(
    section: string,
    option: string,
    def: string,
    convert: (v: string) => T,
    extra: Expansions,
  ): T {
    const r = this.get(section, option, def, extra);
    if (r.value !== null) {
      try {
        return convert(r.value);
      } catch (e) {
        this.issue(this.entryLoc(section, r.entry), section, option, messageOf(e));
      }
    }
    return convert(def);
  }

  existingDirpath(
    value: string,
    loc: { file: string; line: number | null },
    section: string,
    option: string,
  ): string {
    const nv = expandUser(value, this.home);
    const dir = path.dirname(nv);
    if (!this.checkEnv || !nv.includes('/') || isDirectory(path.resolve(this.cwd, dir))) return nv;
    this.issue(
      loc,
      section,
      option,
      `The directory named as part of the path ${value} does not exist`,
    );
    return nv;
  }

  existingDirectory(
    value: string,
    loc: { file: string; line: number | null },
    section: string,
    option: string,
  ): string {
    const nv = expandUser(value, this.home);
    if (!this.checkEnv || isDirectory(path.resolve(this.cwd, nv))) return nv;
    this.issue(loc, section, option, `${value} is not an existing directory`);
    return nv;
  }

  /** supervisord's `expand_here`: textual `%(here)s` replacement in every value read so far. */
  expandHere(here: string): void {
    for (const sect of this.doc.sections.values()) {
      for (const [k, d] of this.doc.defaults) {
        if (!sect.options.has(k) && d.value.includes('%(here)s')) {
          sect.options.set(k, { ...d, value: replaceHere(d.value, here) });
        }
      }
      for (const e of sect.options.values()) {
        if (e.value.includes('%(here)s')) e.value = replaceHere(e.value, here);
      }
    }
  }

  readFile(file: string, loc: { file: string; line: number | null } | null): string | null {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      this.issue(
        loc ?? { file, line: null },
        loc ? 'include' : null,
        loc ? 'files' : null,
        code === 'ENOENT'
          ? `could not find config file ${file}`
          : `could not read config file ${file}`,
      );
      return null;
    }
  }

  parseFile(text: string, file: string): void {
    this.files.push(file);
    for (const err of parseIni(text, file, this.doc)) this.issue(err, null, null, err.message);
  }

  run(text: string, file: string): Config {
    this.mainFile = file;
    this.here = path.dirname(file);
    this.parseFile(text, file);
    this.readIncludes();

    if (!this.doc.sections.has('supervisord')) {
      this.issue(
        { file, line: null },
        null,
        null,
        '.ini file does not include supervisord section',
      );
    }
    const supervisord = this.readSupervisord();
    const rpcinterfaces = this.readRpcInterfaces();
    const groups = this.readGroups();
    const { unix, inet } = this.readServers();
    const supervisorctl = this.readSupervisorctl(text, file);
    this.checkUnknownKeys();
    if (this.issues.length > 0) throw new ConfigError(this.issues);
    return {
      configFile: file,
      files: this.files,
      supervisord,
      unixHttpServer: unix,
      inetHttpServer: inet,
      supervisorctl,
      rpcinterfaces,
      groups,
      warnings: this.warnings,
    };
  }

  readIncludes(): void {
    const sect = this.doc.sections.get('include');
    if (!sect) return;
    this.expandHere(this.here);
    const entry = getOption(this.doc, 'include', 'files');
    if (!entry) {
      this.issue(
        { file: sect.file, line: sect.line },
        'include',
        null,
        '.ini file has [include] section, but no files setting',
      );
      return;
    }
    let files: string;
    try {
      files = expand(
        entry.value,
        { here: this.here, host_node_name: this.hostNodeName, ...this.envExpansions },
        'include.files',
      );
    } catch (e) {
      this.issue(entry, 'include', 'files', messageOf(e));
      return;
    }
    const base = path.dirname(this.mainFile);
    const loc = { file: entry.file, line: entry.line };
    for (const pattern of files.split(/\s+/).filter((p) => p !== '')) {
      const full = path.isAbsolute(pattern) ? pattern : path.join(base, pattern);
      const matches = glob(full);
      if (matches.length === 0) {
        this.warn(loc, 'include', `No file matches via include "${full}"`);
        continue;
      }
      for (const f of matches.sort()) {
        const text = this.readFile(f, loc);
        if (text === null) continue;
        this.parseFile(text, path.resolve(this.cwd, f));
        this.expandHere(path.dirname(path.resolve(this.cwd, f)));
      }
    }
  }

  readSupervisord(): SupervisordConfig {
    const S = 'supervisord';
    const ex: Expansions = { here: this.here };
    const t = <T>(opt: string, def: string, conv: (v: string) => T): T =>
      this.typed(S, opt, def, conv, ex);
    const loc = (opt: string): { file: string; line: number | null } =>
      this.entryLoc(S, getOption(this.doc, S, opt));

    const minfds = t('minfds', '1024', integer);
    const minprocs = t('minprocs', '200', integer);
    const dirRaw = this.get(S, 'directory', null, ex).value;
    const directory =
      dirRaw === null ? null : this.existingDirectory(dirRaw, loc('directory'), S, 'directory');
    const user = this.get(S, 'user', null, ex).value;
    const umask = t('umask', '022', octal);
    const logfileRaw = this.get(S, 'logfile', 'supervisord.log', ex).value ?? 'supervisord.log';
    let logfile = this.existingDirpath(logfileRaw, loc('logfile'), S, 'logfile');
    if (logfile !== 'syslog') logfile = normalizePath(logfile, this.cwd, this.home);
    const logfileMaxbytes = t('logfile_maxbytes', '50MB', byteSize);
    const logfileBackups = t('logfile_backups', '10', integer);
    const loglevel = t('loglevel', 'info', loggingLevel);
    const pidRaw = this.get(S, 'pidfile', 'supervisord.pid', ex).value ?? 'supervisord.pid';
    const pidfile = normalizePath(
      this.existingDirpath(pidRaw, loc('pidfile'), S, 'pidfile'),
      this.cwd,
      this.home,
    );
    const identifier = this.get(S, 'identifier', 'supervisor', ex).value ?? 'supervisor';
    const nodaemon = t('nodaemon', 'false', boolean);
    const silent = t('silent', 'false', boolean);
    const tmp = tempDir(this.env);
    const childRaw = this.get(S, 'childlogdir', tmp, ex).value ?? tmp;
    const childlogdir = this.existingDirectory(childRaw, loc('childlogdir'), S, 'childlogdir');
    const nocleanup = t('nocleanup', 'false', boolean);
    const stripAnsi = t('strip_ansi', 'false', boolean);

    let environment: Record<string, string> | null = null;
    const envGet = this.get(S, 'environment', '', ex);
    if (envGet.value !== null) {
      const envLoc = loc('environment');
      try {
        // supervisord expands [supervisord] environment twice
        const twice = expand(
          envGet.value,
          { here: this.here, host_node_name: this.hostNodeName, ...this.envExpansions },
          'environment',
        );
        const parsed = dictOfKeyValuePairs(twice);
        if (envGet.entry) environment = parsed;
        for (const [k, v] of Object.entries(parsed)) this.envExpansions[`ENV_${k}`] = v;
      } catch (e) {
        this.issue(envLoc, S, 'environment', messageOf(e));
      }
    }
    return {
      logfile,
      logfileMaxbytes,
      logfileBackups,
      loglevel,
      pidfile,
      umask,
      nodaemon,
      silent,
      minfds,
      minprocs,
      nocleanup,
      childlogdir,
      user,
      directory,
      stripAnsi,
      environment,
      identifier,
    };
  }

  readRpcInterfaces(): Record<string, string> {
    const out: Record<string, string> = {};
    const key = 'supervisor.rpcinterface_factory';
    for (const [section, sect] of this.doc.sections) {
      if (!section.startsWith('rpcinterface:')) continue;
      const name = section.slice('rpcinterface:'.length);
      const sloc = { file: sect.file, line: sect.line };
      for (const opt of optionNames(this.doc, section)) {
        if (opt !== key) this.get(section, opt, null, {});
      }
      const factory = this.get(section, key, null, {});
      if (factory.failed) continue;
      if (factory.value === null) {
        this.issue(sloc, section, null, `section [${section}] does not specify a ${key}`);
        continue;
      }
      if (!ENTRY_POINT_RE.test(factory.value)) {
        this.issue(
          this.entryLoc(section, factory.entry),
          section,
          key,
          `${factory.value} cannot be resolved within [${section}]`,
        );
        continue;
      }
      out[name] = factory.value;
      if (factory.value !== STOCK_RPCINTERFACE) {
        this.warn(
          this.entryLoc(section, factory.entry),
          section,
          `rpcinterface factory ${factory.value} is not supported and is ignored (only ${STOCK_RPCINTERFACE})`,
        );
      }
    }
    return out;
  }

  readGroups(): GroupConfig[] {
    const groups: GroupConfig[] = [];
    const sections = [...this.doc.sections.keys()];
    const exclude = new Set<string>();
    const ex: Expansions = { here: this.here };

    for (const section of sections) {
      if (!section.startsWith('group:')) continue;
      const sloc = this.sectionLoc(section);
      let groupName = section.slice('group:'.length);
      try {
        groupName = processOrGroupName(groupName);
      } catch (e) {
        this.issue(sloc, section, null, messageOf(e));
      }
      const progs = this.get(section, 'programs', null, ex);
      if (progs.value === null && !progs.failed) {
        this.warn(sloc, section, 'no "programs" line: the group is empty');
      }
      const programs = listOfStrings(progs.value ?? '');
      const priority = this.typed(section, 'priority', '999', integer, ex);
      const processes: ProcessConfig[] = [];
      for (const program of programs) {
        const ps = `program:${program}`;
        const fs_ = `fcgi-program:${program}`;
        const hasP = this.doc.sections.has(ps);
        const hasF = this.doc.sections.has(fs_);
        const ploc = this.entryLoc(section, progs.entry);
        if (!hasP && !hasF) {
          this.issue(
            ploc,
            section,
            'programs',
            `[${section}] names unknown program or fcgi-program ${program}`,
          );
          continue;
        }
        if (hasP && hasF) {
          this.issue(
            ploc,
            section,
            'programs',
            `[${section}] name ${program} is ambiguous (exists as program and fcgi-program)`,
          );
          continue;
        }
        const target = hasP ? ps : fs_;
        exclude.add(target);
        processes.push(...this.processesFromSection(target, groupName));
      }
      groups.push({ name: groupName, kind: 'group', priority, processes, source: sloc });
    }

    for (const section of sections) {
      if (!section.startsWith('program:') || exclude.has(section)) continue;
      groups.push(this.homogeneous(section, 'program', ex));
    }
    for (const section of sections) {
      if (!section.startsWith('eventlistener:')) continue;
      groups.push(this.homogeneous(section, 'eventlistener', ex));
    }
    for (const section of sections) {
      if (!section.startsWith('fcgi-program:') || exclude.has(section)) continue;
      groups.push(this.homogeneous(section, 'fcgi-program', ex));
    }
    // groups.sort(): by priority, then name (stable)
    return groups
      .map((g, i) => ({ g, i }))
      .sort((a, b) =>
        a.g.priority !== b.g.priority
          ? a.g.priority - b.g.priority
          : a.g.name < b.g.name
            ? -1
            : a.g.name > b.g.name
              ? 1
              : a.i - b.i,
      )
      .map((x) => x.g);
  }

  homogeneous(section: string, kind: GroupKind, ex: Expansions): GroupConfig {
    const sloc = this.sectionLoc(section);
    let name = section.slice(section.indexOf(':') + 1);
    if (kind !== 'eventlistener') {
      try {
        name = processOrGroupName(name);
      } catch (e) {
        this.issue(sloc, section, null, messageOf(e));
      }
    } else {
      name = pyStrip(name);
    }
    const priority = this.typed(
      section,
      'priority',
      kind === 'eventlistener' ? '-1' : '999',
      integer,
      ex,
    );
    let listener: ProcessConfig['listener'];
    let fcgi: ProcessConfig['fcgi'];
    if (kind === 'eventlistener') listener = this.readListener(section, ex);
    if (kind === 'fcgi-program') fcgi = this.readFcgi(section, name, ex);
    const processes = this.processesFromSection(section, name);
    for (const p of processes) {
      if (listener) p.listener = { ...listener, events: [...listener.events] };
      if (fcgi) p.fcgi = { ...fcgi };
    }
    return { name, kind, priority, processes, source: sloc };
  }

  readListener(section: string, ex: Expansions): NonNullable<ProcessConfig['listener']> {
    const sloc = this.sectionLoc(section);
    const bufGet = this.get(section, 'buffer_size', '10', ex);
    let bufferSize = 10;
    if (bufGet.value !== null) {
      try {
        bufferSize = integer(bufGet.value);
        if (bufferSize < 1) {
          this.issue(
            this.entryLoc(section, bufGet.entry),
            section,
            'buffer_size',
            `[${section}] section sets invalid buffer_size (${bufferSize})`,
          );
          bufferSize = 10;
        }
      } catch (e) {
        this.issue(this.entryLoc(section, bufGet.entry), section, 'buffer_size', messageOf(e));
      }
    }
    const rh = this.get(section, 'result_handler', DEFAULT_RESULT_HANDLER, ex);
    const resultHandler = rh.value ?? DEFAULT_RESULT_HANDLER;
    if (rh.value !== null && !ENTRY_POINT_RE.test(rh.value)) {
      this.issue(
        this.entryLoc(section, rh.entry),
        section,
        'result_handler',
        `${rh.value} cannot be resolved within [${section}]`,
      );
    } else if (rh.value !== null && rh.value !== DEFAULT_RESULT_HANDLER) {
      this.warn(
        this.entryLoc(section, rh.entry),
        section,
        `result_handler ${rh.value} is a Python callable; paddock uses the default handler`,
      );
    }
    const evGet = this.get(section, 'events', '', ex);
    const events: string[] = [];
    for (const n of listOfStrings(evGet.value ?? '').map((x) => x.toUpperCase())) {
      if (!events.includes(n)) events.push(n);
    }
    if (events.length === 0 && !evGet.failed) {
      this.issue(sloc, section, 'events', `[${section}] section requires an "events" line`);
    }
    for (const n of events) {
      if (!EVENT_TYPE_NAMES.includes(n)) {
        this.issue(
          this.entryLoc(section, evGet.entry),
          section,
          'events',
          `Unknown event type ${n} in [${section}] events`,
        );
      }
    }
    const rs = this.get(section, 'redirect_stderr', 'false', ex);
    let redirect = false;
    try {
      redirect = rs.value !== null && boolean(rs.value);
    } catch {
      // reported by the program options
    }
    if (redirect) {
      this.issue(
        this.entryLoc(section, rs.entry),
        section,
        'redirect_stderr',
        `[${section}] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol`,
      );
    }
    return { events, bufferSize, resultHandler };
  }

  readFcgi(
    section: string,
    programName: string,
    ex: Expansions,
  ): NonNullable<ProcessConfig['fcgi']> {
    const sloc = this.sectionLoc(section);
    const eloc = (opt: string): { file: string; line: number | null } =>
      this.entryLoc(section, getOption(this.doc, section, opt));
    const userGet = this.get(section, 'user', null, ex);
    let socketBacklog: number | null = null;
    const bl = this.get(section, 'socket_backlog', null, ex);
    if (bl.value !== null) {
      try {
        socketBacklog = integer(bl.value);
        if (socketBacklog < 1 || socketBacklog > 65535) {
          this.issue(
            eloc('socket_backlog'),
            section,
            'socket_backlog',
            `Invalid socket_backlog value ${socketBacklog}`,
          );
        }
      } catch (e) {
        this.issue(eloc('socket_backlog'), section, 'socket_backlog', messageOf(e));
      }
    }
    let socketOwner: string | null = null;
    const so = this.get(section, 'socket_owner', null, ex);
    if (so.value !== null) {
      try {
        socketOwner = userGroup(so.value);
      } catch {
        this.issue(
          eloc('socket_owner'),
          section,
          'socket_owner',
          `Invalid socket_owner value ${so.value}`,
        );
      }
    }
    let socketMode: number | null = null;
    const sm = this.get(section, 'socket_mode', null, ex);
    if (sm.value !== null) {
      try {
        socketMode = octal(sm.value);
      } catch {
        this.issue(
          eloc('socket_mode'),
          section,
          'socket_mode',
          `Invalid socket_mode value ${sm.value}`,
        );
      }
    }
    const sockGet = this.get(section, 'socket', null, { ...ex, program_name: programName });
    let socket = '';
    if (!sockGet.failed) {
      if (!sockGet.value) {
        this.issue(sloc, section, 'socket', `[${section}] section requires a "socket" line`);
      } else {
        const sv = sockGet.value;
        const where = eloc('socket');
        if (sv.startsWith('unix://')) {
          const p = sv.slice(7);
          if (!path.isAbsolute(p)) {
            this.issue(where, section, 'socket', `Unix socket path ${p} is not an absolute path`);
          }
          socket = `unix://${normalizePath(p, this.cwd, this.home)}`;
          if (socketMode === null) socketMode = 0o700;
          if (socketOwner === null && userGet.value !== null) socketOwner = userGet.value;
        } else if (socketOwner !== null || socketMode !== null) {
          this.issue(
            where,
            section,
            'socket',
            'socket_owner and socket_mode params should only be used with a Unix domain socket',
          );
        } else {
          const m = /^tcp:\/\/([^\s:]+):(\d+)$/.exec(sv);
          if (m) {
            try {
              portNumber(m[2] as string);
            } catch (e) {
              this.issue(where, section, 'socket', messageOf(e));
            }
            socket = `tcp://${(m[1] as string).toLowerCase()}:${Number(m[2])}`;
          } else {
            this.issue(where, section, 'socket', `Bad socket format ${sv}`);
          }
        }
      }
    }
    return { socket, socketBacklog, socketOwner, socketMode: socketMode ?? 0o700 };
  }

  /** `_processes_from_section`. */
  processesFromSection(section: string, groupName: string): ProcessConfig[] {
    const sloc = this.sectionLoc(section);
    let programName = section.slice(section.indexOf(':') + 1);
    try {
      programName = processOrGroupName(programName);
    } catch (e) {
      this.issue(sloc, section, null, messageOf(e));
      programName = pyStrip(programName);
    }
    // supervisord mutates this dict in the instance loop (aliasing), we do too.
    const common: Expansions = {
      here: this.here,
      program_name: programName,
      host_node_name: this.hostNodeName,
      group_name: groupName,
    };
    const S = PROGRAM_SCHEMA;
    const val = <K extends ProgramKey>(
      key: K,
      def?: string,
    ): ReturnType<(typeof S)[K]['convert']> => {
      const spec = S[key];
      const d = def ?? spec.default ?? '';
      return this.typed(
        section,
        key,
        d,
        spec.convert as (v: string) => ReturnType<(typeof S)[K]['convert']>,
        common,
      );
    };

    const priority = val('priority');
    const autostart = val('autostart');
    const autorestart = val('autorestart');
    const startsecs = val('startsecs');
    const startretries = val('startretries');
    const stopsignal = val('stopsignal');
    const stopwaitsecs = val('stopwaitsecs');
    const stopasgroup = val('stopasgroup');
    const killasgroup = val('killasgroup', stopasgroup ? 'true' : 'false');
    const exitcodes = val('exitcodes');
    const redirectStderr = val('redirect_stderr');
    const numprocs = val('numprocs');
    const numprocsStart = val('numprocs_start');
    const envEntry = getOption(this.doc, section, 'environment');
    const environmentStr = envEntry ? envEntry.value : '';
    const stdoutCapture = val('stdout_capture_maxbytes');
    const stdoutEvents = val('stdout_events_enabled');
    const stderrCapture = val('stderr_capture_maxbytes');
    const stderrEvents = val('stderr_events_enabled');
    let serverurl: string | null = this.get(section, 'serverurl', null, common).value;
    if (serverurl !== null && pyStrip(serverurl).toUpperCase() === 'AUTO') serverurl = 'AUTO';
    else if (serverurl === null) serverurl = 'AUTO';
    else if (serverurl === '') serverurl = null;
    const user = this.get(section, 'user', null, common).value;
    const umaskGet = this.get(section, 'umask', null, common);
    let umask: number | null = null;
    if (umaskGet.value !== null) {
      try {
        umask = octal(umaskGet.value);
      } catch (e) {
        this.issue(this.entryLoc(section, umaskGet.entry), section, 'umask', messageOf(e));
      }
    }
    const pnEntry = getOption(this.doc, section, 'process_name');
    let processName = pnEntry ? pnEntry.value : '%(program_name)s';
    try {
      processName = processOrGroupName(processName);
    } catch (e) {
      this.issue(this.entryLoc(section, pnEntry), section, 'process_name', messageOf(e));
    }
    if (numprocs > 1 && !processName.includes('%(process_num)')) {
      this.issue(
        this.entryLoc(section, pnEntry ?? getOption(this.doc, section, 'numprocs')),
        section,
        'process_name',
        '%(process_num) must be present within process_name when numprocs > 1',
      );
    }
    if (stopasgroup && !killasgroup) {
      this.issue(
        this.entryLoc(section, getOption(this.doc, section, 'killasgroup')),
        section,
        'killasgroup',
        'Cannot set stopasgroup=true and killasgroup=false',
      );
    }

    const sources: Record<string, SourceLocation> = {};
    for (const opt of optionNames(this.doc, section)) {
      const e = getOption(this.doc, section, opt);
      if (e) sources[opt] = { file: e.file, line: e.line };
    }

    const out: ProcessConfig[] = [];
    for (let processNum = numprocsStart; processNum < numprocs + numprocsStart; processNum++) {
      Object.assign(common, { process_num: processNum, numprocs }, this.envExpansions);
      let environment: Record<string, string> | null = null;
      try {
        environment = dictOfKeyValuePairs(expand(environmentStr, common, 'environment'));
      } catch (e) {
        this.issue(this.entryLoc(section, envEntry), section, 'environment', messageOf(e));
      }
      for (const [k, v] of Object.entries(environment ?? {})) common[`ENV_${k}`] = v;
      if (!envEntry) environment = null;

      const directory = this.get(section, 'directory', null, common).value;
      const channel = (
        ch: 'stdout' | 'stderr',
        events: boolean,
        capture: number,
      ): ChannelConfig => {
        const lfKey = `${ch}_logfile` as const;
        const lf = this.get(section, lfKey, 'AUTO', common);
        let logfile: LogTarget = 'AUTO';
        let syslogFromName = false;
        if (lf.value !== null) {
          try {
            const twice = lf.entry ? expand(lf.value, common, lfKey) : lf.value;
            const conv = S[lfKey].convert(twice);
            if (conv !== null && typeof conv === 'object') {
              syslogFromName = true;
              logfile = null;
            } else if (conv === null || conv === 'AUTO') {
              logfile = conv;
            } else {
              logfile = this.existingDirpath(
                conv,
                this.entryLoc(section, lf.entry),
                section,
                lfKey,
              );
            }
          } catch (e) {
            this.issue(this.entryLoc(section, lf.entry), section, lfKey, messageOf(e));
          }
        }
        const backups = val(`${ch}_logfile_backups`);
        const maxbytes = val(`${ch}_logfile_maxbytes`);
        let syslog = val(`${ch}_syslog`);
        if (syslogFromName) {
          this.warn(
            this.entryLoc(section, lf.entry),
            section,
            `For [${section}], ${lfKey}=syslog but this is deprecated and will be removed.  Use ${ch}_syslog=true to enable syslog instead.`,
          );
          syslog = true;
        }
        if (logfile === 'AUTO' && !maxbytes) {
          this.warn(
            this.entryLoc(section, lf.entry),
            section,
            `For [${section}], AUTO logging used for ${lfKey} without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally`,
          );
        }
        return {
          logfile,
          logfileMaxbytes: maxbytes,
          logfileBackups: backups,
          captureMaxbytes: capture,
          eventsEnabled: events,
          syslog,
        };
      };
      const stdout = channel('stdout', stdoutEvents, stdoutCapture);
      const stderr = channel('stderr', stderrEvents, stderrCapture);
      if (redirectStderr) {
        if (stderr.logfile !== 'AUTO' && stderr.logfile !== null) {
          this.warn(
            this.entryLoc(section, getOption(this.doc, section, 'stderr_logfile')),
            section,
            `For [${section}], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored`,
          );
        }
        stderr.logfile = null;
      }
      const cmd = this.get(section, 'command', null, common);
      if (cmd.value === null) {
        if (!cmd.failed) {
          this.issue(
            sloc,
            section,
            'command',
            `program section ${section} does not specify a command`,
          );
        }
        continue;
      }
      let name = processName;
      try {
        name = expand(processName, common, 'process_name');
      } catch (e) {
        this.issue(this.entryLoc(section, pnEntry), section, 'process_name', messageOf(e));
      }
      out.push({
        name,
        programName,
        section,
        processNum,
        command: cmd.value,
        user,
        directory,
        umask,
        priority,
        autostart,
        autorestart,
        startsecs,
        startretries,
        exitcodes,
        stopsignal,
        stopwaitsecs,
        stopasgroup,
        killasgroup,
        redirectStderr,
        stdout,
        stderr,
        environment,
        serverurl,
        sources,
      });
    }
    const seen = new Set<string>();
    for (const p of out) {
      if (seen.has(p.name)) {
        this.warn(
          sloc,
          section,
          `more than one process is named ${pyRepr(p.name)}; only the last one runs`,
        );
      }
      seen.add(p.name);
    }
    // programs.sort(): by priority then name (all share the priority, so by name)
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  authFor(section: string, ex: Expansions): { username: string | null; password: string | null } {
    const u = this.get(section, 'username', null, ex).value;
    const p = this.get(section, 'password', null, ex).value;
    if ((u === null) !== (p === null)) {
      this.issue(
        this.sectionLoc(section),
        section,
        null,
        `Section [${section}] contains incomplete authentication: If a username or a password is specified, both the username and password must be specified`,
      );
    }
    return { username: u, password: p };
  }

  readServers(): { unix: UnixHttpServerConfig | null; inet: InetHttpServerConfig | null } {
    let inet: InetHttpServerConfig | null = null;
    let unix: UnixHttpServerConfig | null = null;
    for (const section of this.doc.sections.keys()) {
      if (!section.startsWith('inet_http_server')) continue;
      const auth = this.authFor(section, {});
      const portGet = this.get(section, 'port', null, {});
      if (portGet.failed) continue;
      if (portGet.value === null) {
        this.issue(
          this.sectionLoc(section),
          section,
          'port',
          `section [${section}] has no port value`,
        );
        continue;
      }
      try {
        const [host, port] = inetAddress(portGet.value);
        if (inet === null) inet = { host, port, ...auth };
        else
          this.warn(
            this.sectionLoc(section),
            section,
            'only the first inet_http_server section is served',
          );
      } catch (e) {
        this.issue(this.entryLoc(section, portGet.entry), section, 'port', messageOf(e));
      }
    }
    for (const section of this.doc.sections.keys()) {
      if (!section.startsWith('unix_http_server')) continue;
      const fileGet = this.get(section, 'file', null, { here: this.here });
      const auth = this.authFor(section, {});
      if (fileGet.failed) continue;
      if (fileGet.value === null) {
        this.issue(
          this.sectionLoc(section),
          section,
          'file',
          `section [${section}] has no file value`,
        );
        continue;
      }
      const file = normalizePath(pyStrip(fileGet.value), this.cwd, this.home);
      let chown: string | null = null;
      const co = this.get(section, 'chown', null, {});
      if (co.value !== null) {
        try {
          chown = userGroup(co.value);
        } catch {
          this.issue(
            this.entryLoc(section, co.entry),
            section,
            'chown',
            `Invalid sockchown value ${co.value}`,
          );
        }
      }
      let chmod = 0o700;
      const cm = this.get(section, 'chmod', null, {});
      if (cm.value !== null) {
        try {
          chmod = octal(cm.value);
        } catch {
          this.issue(
            this.entryLoc(section, cm.entry),
            section,
            'chmod',
            `Invalid chmod value ${cm.value}`,
          );
        }
      }
      if (unix === null) unix = { file, chmod, chown, ...auth };
      else
        this.warn(
          this.sectionLoc(section),
          section,
          'only the first unix_http_server section is served',
        );
    }
    return { unix, inet };
  }

  /** `ClientOptions.read_config`: supervisorctl reads the main file only, without includes. */
  readSupervisorctl(text: string, file: string): SupervisorctlConfig {
    const doc = emptyDocument();
    parseIni(text, file, doc);
    const S = 'supervisorctl';
    const envOnly: Expansions = {};
    for (const [k, v] of Object.entries(this.env)) if (v !== undefined) envOnly[`ENV_${k}`] = v;
    const get = (opt: string, def: string | null, extra: Expansions): string | null => {
      const e = getOption(doc, S, opt);
      const raw = e ? e.value : def;
      if (raw === null) return null;
      try {
        return expand(raw, { ...envOnly, ...extra }, `${S}.${opt}`);
      } catch (err) {
        // supervisord itself never reads [supervisorctl]: only supervisorctl would fail
        this.warn(e ? { file: e.file, line: e.line } : null, S, `${opt}: ${messageOf(err)}`);
        return raw;
      }
    };
    let serverurl = get('serverurl', 'http://localhost:9001', { here: this.here }) ?? '';
    if (serverurl.startsWith('unix://')) {
      serverurl = `unix://${normalizePath(serverurl.slice(7), this.cwd, this.home)}`;
    } else if (doc.sections.has(S) && !SERVER_URL_RE.test(serverurl)) {
      const e = getOption(doc, S, 'serverurl');
      this.warn(
        e ? { file: e.file, line: e.line } : null,
        S,
        `serverurl ${pyRepr(serverurl)} is not a URL`,
      );
    }
    const history = get('history_file', null, { here: this.here });
    return {
      serverurl,
      username: get('username', null, {}),
      password: get('password', null, {}),
      prompt: get('prompt', 'supervisor', {}) ?? 'supervisor',
      historyFile: history ? normalizePath(history, this.cwd, this.home) : null,
    };
  }

  checkUnknownKeys(): void {
    const programKeys = new Set<string>(PROGRAM_KEYS);
    for (const [section, sect] of this.doc.sections) {
      const colon = section.indexOf(':');
      const kind = colon === -1 ? section : section.slice(0, colon);
      let known: Set<string> | null = null;
      if (kind === 'program') known = programKeys;
      else if (kind === 'eventlistener') known = new Set([...programKeys, ...EVENTLISTENER_KEYS]);
      else if (kind === 'fcgi-program') known = new Set([...programKeys, ...FCGI_KEYS]);
      else if (kind === 'rpcinterface' || kind === 'ctlplugin') known = null;
      else if (kind.startsWith('inet_http_server')) known = new Set(SECTION_KEYS.inet_http_server);
      else if (kind.startsWith('unix_http_server')) known = new Set(SECTION_KEYS.unix_http_server);
      else if (SECTION_KEYS[kind]) known = new Set(SECTION_KEYS[kind]);
      else {
        this.warn(
          { file: sect.file, line: sect.line },
          section,
          `unknown section [${section}] is ignored`,
        );
        continue;
      }
      if (!known) continue;
      for (const [opt, e] of sect.options) {
        if (!known.has(opt)) {
          this.warn(
            { file: e.file, line: e.line },
            section,
            `unknown option ${pyRepr(opt)} is ignored`,
          );
        }
      }
    }
  }
}

function absolute(file: string, cwd: string): string {
  return path.resolve(cwd, file);
}

/** Read `file` and its `[include]`s; throws ConfigError listing every problem found. */
export function loadConfig(file: string, opts: LoadOptions = {}): Config {
  const abs = absolute(file, opts.cwd ?? process.cwd());
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([
      {
        file: abs,
        line: null,
        section: null,
        option: null,
        message:
          code === 'ENOENT'
            ? `could not find config file ${abs}`
            : `could not read config file ${abs}`,
      },
    ]);
  }
  return new Loader(opts).run(text, abs);
}

/** Parse config text as if it were the contents of `file` (includes resolve relative to it). */
export function parseConfigText(text: string, file: string, opts: LoadOptions = {}): Config {
  return new Loader(opts).run(text, absolute(file, opts.cwd ?? process.cwd()));
}

/** supervisord's search path (spec 1.1): first existing file wins. */
export function findConfigFile(opts: { cwd?: string; execDir?: string } = {}): string | null {
  const cwd = opts.cwd ?? process.cwd();
  const execDir = opts.execDir ?? path.dirname(process.argv[1] ?? process.execPath);
  const here = path.dirname(execDir);
  const candidates = [
    path.join(here, 'etc', 'supervisord.conf'),
    path.join(here, 'supervisord.conf'),
    path.join(cwd, 'supervisord.conf'),
    path.join(cwd, 'etc', 'supervisord.conf'),
    '/etc/supervisord.conf',
    '/etc/supervisor/supervisord.conf',
  ];
  for (const c of candidates) {
    if (fs.existsSync(c)) return c;
  }
  return null;
}

function octalString(n: number | null): string | null {
  return n === null ? null : '0' + n.toString(8).padStart(3, '0');
}

/** For `paddockd --check`: the groups and processes it would run, with key values. */
export function describeConfig(c: Config): { text: string; json: unknown } {
  const lines: string[] = [];
  lines.push(`config: ${c.configFile}`);
  for (const f of c.files.slice(1)) lines.push(`  include: ${f}`);
  const s = c.supervisord;
  lines.push(
    `supervisord: logfile=${s.logfile} pidfile=${s.pidfile} childlogdir=${s.childlogdir} loglevel=${s.loglevel} identifier=${s.identifier}`,
  );
  if (c.unixHttpServer) {
    lines.push(
      `unix_http_server: ${c.unixHttpServer.file} chmod=${octalString(c.unixHttpServer.chmod)}`,
    );
  }
  if (c.inetHttpServer) {
    lines.push(`inet_http_server: ${c.inetHttpServer.host || '*'}:${c.inetHttpServer.port}`);
  }
  lines.push(`supervisorctl: serverurl=${c.supervisorctl.serverurl}`);
  const groups = c.groups.map((g) => ({
    name: g.name,
    kind: g.kind,
    priority: g.priority,
    source: `${g.source.file}:${g.source.line}`,
    processes: g.processes.map((p) => ({
      name: p.name,
      namespec: g.name === p.name ? p.name : `${g.name}:${p.name}`,
      command: p.command,
      directory: p.directory,
      user: p.user,
      priority: p.priority,
      autostart: p.autostart,
      autorestart: p.autorestart,
      startsecs: p.startsecs,
      startretries: p.startretries,
      exitcodes: p.exitcodes,
      stopsignal: p.stopsignal,
      stopwaitsecs: p.stopwaitsecs,
      stdout_logfile: p.stdout.logfile,
      stderr_logfile: p.stderr.logfile,
      redirect_stderr: p.redirectStderr,
      environment: p.environment,
      ...(p.listener ? { listener: p.listener } : {}),
      ...(p.fcgi ? { fcgi: p.fcgi } : {}),
    })),
  }));
  for (const g of groups) {
    lines.push(
      `[${g.kind}] ${g.name} (priority ${g.priority}, ${g.processes.length} process${g.processes.length === 1 ? '' : 'es'})`,
    );
    for (const p of g.processes) {
      lines.push(
        `  ${p.namespec}: ${p.command}` +
          ` (autostart=${p.autostart} autorestart=${p.autorestart} startsecs=${p.startsecs} stopsignal=${p.stopsignal})`,
      );
    }
  }
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  return {
    text: lines.join('\n'),
    json: {
      configFile: c.configFile,
      files: c.files,
      supervisord: c.supervisord,
      unixHttpServer: c.unixHttpServer,
      inetHttpServer: c.inetHttpServer,
      supervisorctl: c.supervisorctl,
      rpcinterfaces: c.rpcinterfaces,
      groups,
      warnings: c.warnings,
    },
  };
}
