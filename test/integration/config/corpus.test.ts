/**
 * Every real-world config in ../shared/corpus/supervisor-configs through both the real
 * supervisord 4.2.5 parser (test/fixtures/dump-supervisord-config.py, or the recorded golden JSON
 * when /usr/bin/python3 lacks supervisor) and ours: same ok/error outcome, same groups, processes
 * and values. Machine-dependent checks are off on both sides (see the python script).
 * Variants must match test/fixtures/regen-corpus-golden.sh.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../main/engine/config/load.js';
import type { Config, ProcessConfig } from '../../../main/engine/model/types.js';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const FIXTURES = path.resolve(HERE, '../../fixtures');
const GOLDEN = path.join(FIXTURES, 'conf/corpus-golden');
const WRAP = fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-corpus-wrap-'));
const DUMP = path.join(FIXTURES, 'dump-supervisord-config.py');
// `../shared` beside the checkout (as CI lays it out), unless PADDOCK_CORPUS says otherwise.
const CORPUS =
  process.env.PADDOCK_CORPUS ?? path.resolve(HERE, '../../../../shared/corpus/supervisor-configs');
const PY = '/usr/bin/python3';
const BASE_ENV: Record<string, string> = {
  HOME: '/home/tester',
  PATH: '/usr/bin:/bin',
  TMPDIR: '/tmp',
  USER: 'tester',
  LANG: 'C.UTF-8',
};

const corpusPresent = fs.existsSync(CORPUS);
const pythonReason = ((): string | null => {
  if (process.env.PADDOCK_NO_PYTHON) return 'PADDOCK_NO_PYTHON is set (golden files only)';
  const r = spawnSync(PY, ['-c', 'import supervisor.options'], { encoding: 'utf8' });
  if (r.error) return `${PY} not runnable: ${r.error.message}`;
  if (r.status !== 0) return `${PY} lacks the supervisor package`;
  return null;
})();

interface Variant {
  name: string;
  variant: string;
  file: string;
  env: Record<string, string>;
}

function variantsFor(corpusFile: string, prefix = ''): Variant[] {
  const name = prefix + path.basename(corpusFile);
  const text = fs.readFileSync(corpusFile, 'utf8');
  const vars = [
    ...new Set([...text.matchAll(/%\(ENV_([A-Za-z0-9_]*)\)/g)].map((m) => m[1] as string)),
  ]
    .filter((v) => !(v in BASE_ENV))
    .sort();
  const filledEnv = { ...BASE_ENV, ...Object.fromEntries(vars.map((v) => [v, '1'])) };
  const out: Variant[] = [{ name, variant: 'bare', file: corpusFile, env: BASE_ENV }];
  if (vars.length > 0) out.push({ name, variant: 'filled', file: corpusFile, env: filledEnv });
  if (!/^[ \t\v\f\r]*\[supervisord\]/m.test(text)) {
    // A main file that includes the fragment, written here with this checkout's absolute path
    // (the committed copies in corpus-golden/wrap/ name the paths they were recorded with).
    const wrapper = path.join(WRAP, name);
    fs.writeFileSync(wrapper, `[supervisord]\n[include]\nfiles = ${corpusFile}\n`);
    out.push({ name, variant: 'wrapped', file: wrapper, env: BASE_ENV });
    if (vars.length > 0)
      out.push({ name, variant: 'wrapped-filled', file: wrapper, env: filledEnv });
  }
  return out;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface PyServer {
  ok: boolean;
  error?: string;
  supervisord?: Record<string, Json>;
  servers?: Record<string, Json>[];
  rpcinterfaces?: Record<string, string>;
  groups?: Record<string, Json>[];
  warnings?: string[];
}
interface PyCtl {
  ok: boolean;
  error?: string;
  [k: string]: Json | undefined;
}
interface PyResult {
  server: PyServer;
  ctl: PyCtl;
}

function python(v: Variant): PyResult {
  const r = spawnSync(PY, [DUMP, '--cwd', '/tmp', '--host', 'testhost', v.file], {
    env: v.env,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`dump failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as PyResult;
}

function golden(v: Variant): PyResult {
  const g = path.join(GOLDEN, `${v.name}.${v.variant}.json`);
  let text = fs.readFileSync(g, 'utf8');
  // Golden files record the absolute paths of the machine that made them: map the recorded
  // wrapper directory, fixtures and corpus onto this checkout's.
  text = text
    .replace(/\/(?!\/)[^\s'"\\]*?\/conf\/corpus-golden\/wrap\//g, `${WRAP}/`)
    .replace(/\/(?!\/)[^\s'"\\]*?\/test\/fixtures\//g, `${FIXTURES}/`)
    .replace(/\/(?!\/)[^\s'"\\]*?\/corpus\//g, `${path.dirname(CORPUS)}/`);
  return (JSON.parse(text) as { result: PyResult }).result;
}

const LEVELS: Record<string, number> = {
  critical: 50,
  error: 40,
  warn: 30,
  info: 20,
  debug: 10,
  trace: 5,
  blather: 3,
};

function processJson(
  p: ProcessConfig,
  globalEnv: Record<string, string> | null,
): Record<string, Json> {
  return {
    name: p.name,
    command: p.command,
    directory: p.directory,
    umask: p.umask,
    priority: p.priority,
    autostart: p.autostart,
    autorestart: p.autorestart,
    startsecs: p.startsecs,
    startretries: p.startretries,
    user: p.user,
    stdout_logfile: p.stdout.logfile,
    stdout_logfile_maxbytes: p.stdout.logfileMaxbytes,
    stdout_logfile_backups: p.stdout.logfileBackups,
    stdout_capture_maxbytes: p.stdout.captureMaxbytes,
    stdout_events_enabled: p.stdout.eventsEnabled,
    stdout_syslog: p.stdout.syslog,
    stderr_logfile: p.stderr.logfile,
    stderr_logfile_maxbytes: p.stderr.logfileMaxbytes,
    stderr_logfile_backups: p.stderr.logfileBackups,
    stderr_capture_maxbytes: p.stderr.captureMaxbytes,
    stderr_events_enabled: p.stderr.eventsEnabled,
    stderr_syslog: p.stderr.syslog,
    stopsignal: p.stopsignal,
    stopwaitsecs: p.stopwaitsecs,
    stopasgroup: p.stopasgroup,
    killasgroup: p.killasgroup,
    exitcodes: p.exitcodes,
    redirect_stderr: p.redirectStderr,
    environment: { ...(globalEnv ?? {}), ...(p.environment ?? {}) },
    serverurl: p.serverurl === 'AUTO' ? null : p.serverurl === null ? '' : p.serverurl,
  };
}

function oursAsPython(c: Config): PyServer {
  const s = c.supervisord;
  const servers: Record<string, Json>[] = [];
  if (c.inetHttpServer) {
    const i = c.inetHttpServer;
    servers.push({
      family: 'inet',
      host: i.host,
      port: i.port,
      username: i.username,
      password: i.password,
    });
  }
  if (c.unixHttpServer) {
    const u = c.unixHttpServer;
    servers.push({
      family: 'unix',
      file: u.file,
      chmod: u.chmod,
      chown: u.chown,
      username: u.username,
      password: u.password,
    });
  }
  return {
    ok: true,
    supervisord: {
      logfile: s.logfile,
      logfile_maxbytes: s.logfileMaxbytes,
      logfile_backups: s.logfileBackups,
      loglevel: LEVELS[s.loglevel] as number,
      pidfile: s.pidfile,
      umask: s.umask,
      nodaemon: s.nodaemon,
      silent: s.silent,
      minfds: s.minfds,
      minprocs: s.minprocs,
      nocleanup: s.nocleanup,
      childlogdir: s.childlogdir,
      user: s.user,
      directory: s.directory,
      strip_ansi: s.stripAnsi,
      environment: s.environment ?? {},
      identifier: s.identifier,
    },
    servers,
    rpcinterfaces: c.rpcinterfaces,
    groups: c.groups.map((g) => {
      const out: Record<string, Json> = {
        name: g.name,
        priority: g.priority,
        kind: g.kind === 'program' || g.kind === 'group' ? 'process-group' : g.kind,
      };
      const first = g.processes[0];
      if (g.kind === 'eventlistener' && first?.listener) {
        out.buffer_size = first.listener.bufferSize;
        out.events = [...first.listener.events].sort();
        out.result_handler = first.listener.resultHandler;
      }
      if (g.kind === 'fcgi-program' && first?.fcgi) {
        out.socket = first.fcgi.socket;
        out.socket_backlog = first.fcgi.socketBacklog;
        out.socket_owner = first.fcgi.socketOwner;
        out.socket_mode = first.fcgi.socket.startsWith('unix://') ? first.fcgi.socketMode : null;
      }
      out.processes = g.processes.map((p) => processJson(p, s.environment));
      return out;
    }),
  };
}

/** Python servers list drops `name`/`section` noise and is ordered inet first, like ours. */
function pyServers(list: Record<string, Json>[]): Record<string, Json>[] {
  const inet = list.filter((s) => s.family === 'inet').slice(0, 1);
  const unix = list.filter((s) => s.family === 'unix').slice(0, 1);
  return [...inet, ...unix].map((s) => {
    const { name: _n, ...rest } = s;
    return rest;
  });
}

/** supervisord's error core, without its " in section 'x' (file: 'y')" suffix. */
function errorCore(msg: string): string {
  return msg.replace(/ in section '[^']*' \(file: '[^']*'\)$/s, '');
}

/**
 * Known, deliberate wording differences: supervisord's message → a fragment of ours.
 * (Python ParsingError texts are reworded to name the line.)
 */
function errorMatches(pyError: string, ours: string[]): boolean {
  const core = errorCore(pyError);
  if (ours.some((m) => m === core || core.includes(m) || m.includes(core))) return true;
  if (core.startsWith('File contains no section headers')) {
    return ours.some((m) => m.startsWith('File contains no section headers'));
  }
  if (core.startsWith('Source contains parsing errors')) {
    return ours.some((m) => m.startsWith('Source contains parsing errors'));
  }
  return false;
}

const files = corpusPresent
  ? fs
      .readdirSync(CORPUS)
      .filter((f) => f.endsWith('.conf'))
      .sort()
      .map((f) => path.join(CORPUS, f))
  : [];
const QUIRKS = path.join(FIXTURES, 'conf/quirks');
const quirkFiles = fs
  .readdirSync(QUIRKS)
  .filter((f) => f.endsWith('.conf'))
  .sort()
  .map((f) => path.join(QUIRKS, f));
const variants = [
  ...files.flatMap((f) => variantsFor(f)),
  ...quirkFiles.flatMap((f) => variantsFor(f, 'quirk-')),
];

/**
 * Deliberate differences (supervisord accepts these, we refuse them), asserted as such:
 * - stopsignal=0: Python accepts 0 because signal.SIG_DFL == 0 is in its list of "signals";
 *   signal 0 cannot stop anything.
 * - `%s` without a (name): Python formats the whole expansion dict into the value
 *   (`date +{'ENV_HOME': ...}`), which is never what was meant; we ask for `%%`.
 */
const KNOWN_DIFFERENCES: Record<string, RegExp> = {
  'quirk-diff-stopsignal-zero.conf': /value '0' is not a valid signal number/,
  'quirk-diff-unkeyed-percent-s.conf': /format requires a mapping key/,
};

describe('supervisord corpus + quirk fixtures: ours vs the real supervisord 4.2.5', () => {
  it.skipIf(!corpusPresent)(`has the 50 corpus files (skipped if ${CORPUS} is absent)`, () => {
    expect(files.length).toBe(50);
  });

  it('has our quirk fixtures and a golden file for every variant', () => {
    expect(quirkFiles.length).toBeGreaterThan(10);
    for (const v of variants) {
      expect(
        fs.existsSync(path.join(GOLDEN, `${v.name}.${v.variant}.json`)),
        `${v.name}.${v.variant}`,
      ).toBe(true);
    }
  });

  it.skipIf(pythonReason !== null)(
    `golden files match the live supervisord parse ${pythonReason ? `(skipped: ${pythonReason})` : ''}`,
    () => {
      for (const v of variants) {
        expect(python(v), `${v.name}.${v.variant}`).toEqual(golden(v));
      }
    },
    120_000,
  );

  for (const v of variants) {
    it(`${v.name} [${v.variant}]`, () => {
      const expected = pythonReason === null ? python(v) : golden(v);
      let ours: Config | null = null;
      let issues: string[] = [];
      try {
        ours = loadConfig(v.file, {
          env: v.env,
          cwd: '/tmp',
          hostNodeName: 'testhost',
          checkEnvironment: false,
        });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        issues = e.issues.map((i) => i.message);
      }
      const py = expected.server;
      const known = KNOWN_DIFFERENCES[v.name];
      if (known) {
        expect(py.ok, 'supervisord accepts it').toBe(true);
        expect(issues.join('\n')).toMatch(known);
        return;
      }
      if (!py.ok) {
        expect(ours, `supervisord failed with: ${py.error}`).toBeNull();
        expect(
          errorMatches(py.error as string, issues),
          `supervisord: ${py.error}\nours:\n${issues.join('\n')}`,
        ).toBe(true);
        return;
      }
      expect(issues, 'supervisord accepted this file').toEqual([]);
      const c = ours as Config;
      const mine = oursAsPython(c);
      expect(mine.supervisord).toEqual(py.supervisord);
      expect(mine.servers).toEqual(pyServers(py.servers ?? []));
      expect(mine.rpcinterfaces).toEqual(py.rpcinterfaces);
      expect(mine.groups).toEqual(py.groups);
      for (const w of py.warnings ?? []) {
        expect(
          c.warnings.some((x) => x.includes(w)),
          `warning ${w} missing from:\n${c.warnings.join('\n')}`,
        ).toBe(true);
      }
      if (expected.ctl.ok) {
        expect({
          serverurl: c.supervisorctl.serverurl,
          prompt: c.supervisorctl.prompt,
          username: c.supervisorctl.username,
          password: c.supervisorctl.password,
          history_file: c.supervisorctl.historyFile,
        }).toEqual({
          serverurl: expected.ctl.serverurl,
          prompt: expected.ctl.prompt,
          username: expected.ctl.username,
          password: expected.ctl.password,
          history_file: expected.ctl.history_file,
        });
      }
    });
  }
});
