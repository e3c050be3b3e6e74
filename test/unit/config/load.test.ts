import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ConfigError,
  describeConfig,
  findConfigFile,
  formatIssue,
  loadConfig,
  parseConfigText,
  type ConfigIssue,
  type LoadOptions,
} from '../../../main/engine/config/load.js';
import type { Config } from '../../../main/engine/model/types.js';

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-conf-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

const OPTS: LoadOptions = {
  env: { HOME: '/home/u', PATH: '/bin', TMPDIR: '/tmp', FOO: 'foo' },
  hostNodeName: 'box',
  cwd: '/work',
  checkEnvironment: false,
};

function parse(text: string, opts: LoadOptions = OPTS): Config {
  return parseConfigText(text, '/etc/sv/supervisord.conf', opts);
}

function issues(text: string, opts: LoadOptions = OPTS): ConfigIssue[] {
  try {
    parse(text, opts);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

function write(rel: string, text: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}

describe('loadConfig: [supervisord] and servers', () => {
  it('applies supervisord 4.2.5 defaults (logfile/pidfile relative to cwd, childlogdir = tmpdir)', () => {
    const c = parse('[supervisord]\n');
    expect(c.supervisord).toEqual({
      logfile: '/work/supervisord.log',
      logfileMaxbytes: 50 * 1024 * 1024,
      logfileBackups: 10,
      loglevel: 'info',
      pidfile: '/work/supervisord.pid',
      umask: 0o22,
      nodaemon: false,
      silent: false,
      minfds: 1024,
      minprocs: 200,
      nocleanup: false,
      childlogdir: '/tmp',
      user: null,
      directory: null,
      stripAnsi: false,
      environment: null,
      identifier: 'supervisor',
    });
    expect(c.unixHttpServer).toBeNull();
    expect(c.inetHttpServer).toBeNull();
    expect(c.supervisorctl).toEqual({
      serverurl: 'http://localhost:9001',
      username: null,
      password: null,
      prompt: 'supervisor',
      historyFile: null,
    });
    expect(c.groups).toEqual([]);
    expect(c.configFile).toBe('/etc/sv/supervisord.conf');
  });

  it('reads every [supervisord] option, %(here)s and ~', () => {
    const c = parse(
      '[supervisord]\nlogfile=%(here)s/log/sd.log\nlogfile_maxbytes=1KB\nlogfile_backups=2\nloglevel=debug\n' +
        'pidfile=~/sd.pid\numask=077\nnodaemon=true\nsilent=yes\nminfds=10\nminprocs=20\nnocleanup=1\n' +
        'childlogdir=/var/log/c\nuser=bob\ndirectory=/srv\nstrip_ansi=on\nenvironment=A="1",B=%(ENV_FOO)s\nidentifier=me\n',
    );
    expect(c.supervisord).toMatchObject({
      logfile: '/etc/sv/log/sd.log',
      logfileMaxbytes: 1024,
      logfileBackups: 2,
      loglevel: 'debug',
      pidfile: '/home/u/sd.pid',
      umask: 0o77,
      nodaemon: true,
      silent: true,
      minfds: 10,
      minprocs: 20,
      nocleanup: true,
      childlogdir: '/var/log/c',
      user: 'bob',
      directory: '/srv',
      stripAnsi: true,
      environment: { A: '1', B: 'foo' },
      identifier: 'me',
    });
  });

  it('reads unix/inet servers and supervisorctl', () => {
    const c = parse(
      '[supervisord]\n[unix_http_server]\nfile=%(here)s/s.sock\nchmod=0770\nchown=www:www\nusername=u\npassword={SHA}ab\n' +
        '[inet_http_server]\nport=*:9001\n[supervisorctl]\nserverurl=unix://%(here)s/../s.sock\nprompt=sv\nhistory_file=~/.h\n',
    );
    expect(c.unixHttpServer).toEqual({
      file: '/etc/sv/s.sock',
      chmod: 0o770,
      chown: 'www:www',
      username: 'u',
      password: '{SHA}ab',
    });
    expect(c.inetHttpServer).toEqual({ host: '', port: 9001, username: null, password: null });
    expect(c.supervisorctl).toMatchObject({
      serverurl: 'unix:///etc/s.sock',
      prompt: 'sv',
      historyFile: '/home/u/.h',
    });
  });

  it('server errors mirror supervisord', () => {
    const msgs = issues(
      '[supervisord]\n[unix_http_server]\nusername=u\n[inet_http_server]\nport=host:\n',
    ).map(formatIssue);
    expect(msgs).toContain(
      '/etc/sv/supervisord.conf:2 [unix_http_server] file: section [unix_http_server] has no file value',
    );
    expect(msgs.some((m) => m.includes('contains incomplete authentication'))).toBe(true);
    expect(msgs).toContain(
      "/etc/sv/supervisord.conf:5 [inet_http_server] port: no port number specified in ''",
    );
  });

  it('missing [supervisord] is an error', () => {
    expect(issues('[program:a]\ncommand=x\n').map((i) => i.message)).toContain(
      '.ini file does not include supervisord section',
    );
  });
});

describe('loadConfig: programs', () => {
  it('fills every ProcessConfig field with defaults and records sources', () => {
    const c = parse('[supervisord]\n[program:web]\ncommand=/bin/web --port 80\n');
    expect(c.groups).toHaveLength(1);
    const g = c.groups[0];
    expect(g).toMatchObject({ name: 'web', kind: 'program', priority: 999 });
    expect(g?.source).toEqual({ file: '/etc/sv/supervisord.conf', line: 2 });
    expect(g?.processes[0]).toEqual({
      name: 'web',
      programName: 'web',
      section: 'program:web',
      processNum: 0,
      command: '/bin/web --port 80',
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
      stdout: {
        logfile: 'AUTO',
        logfileMaxbytes: 52428800,
        logfileBackups: 10,
        captureMaxbytes: 0,
        eventsEnabled: false,
        syslog: false,
      },
      stderr: {
        logfile: 'AUTO',
        logfileMaxbytes: 52428800,
        logfileBackups: 10,
        captureMaxbytes: 0,
        eventsEnabled: false,
        syslog: false,
      },
      environment: null,
      serverurl: 'AUTO',
      sources: { command: { file: '/etc/sv/supervisord.conf', line: 3 } },
    });
  });

  it('numprocs with process_name expansions, per-instance keys', () => {
    const c = parse(
      '[supervisord]\nenvironment=G=g\n[program:w]\nnumprocs=3\nnumprocs_start=1\n' +
        'process_name=%(program_name)s_%(process_num)02d\n' +
        'environment=N="%(process_num)d",H=%(host_node_name)s\n' +
        'command=run %(process_num)s/%(numprocs)d %(ENV_N)s %(ENV_G)s %(group_name)s %(here)s\n' +
        'stdout_logfile=/var/log/%(program_name)s-%(process_num)d.log\nkillasgroup=true\nstopasgroup=true\n',
    );
    const ps = c.groups[0]?.processes ?? [];
    expect(ps.map((p) => p.name)).toEqual(['w_01', 'w_02', 'w_03']);
    expect(ps[1]?.command).toBe('run 2/3 2 g w /etc/sv');
    expect(ps[1]?.environment).toEqual({ N: '2', H: 'box' });
    expect(ps[2]?.stdout.logfile).toBe('/var/log/w-3.log');
    expect(ps[0]?.stopasgroup).toBe(true);
  });

  it('process_name must contain process_num when numprocs > 1', () => {
    const [i] = issues('[supervisord]\n[program:w]\nnumprocs=2\ncommand=x\n');
    expect(i?.message).toBe('%(process_num) must be present within process_name when numprocs > 1');
  });

  it('process_num is not available to options read before the instance loop', () => {
    const msgs = issues('[supervisord]\n[program:w]\npriority=%(process_num)d\ncommand=x\n').map(
      (i) => i.message,
    );
    // the group-level read of priority (only here + ENV_*) fails first, as in supervisord
    expect(msgs).toEqual([
      "Format string '%(process_num)d' for 'program:w.priority' contains names ('process_num') which cannot be expanded. " +
        'Available names: ENV_FOO, ENV_HOME, ENV_PATH, ENV_TMPDIR, here',
    ]);
    const msgs2 = issues('[supervisord]\n[program:w]\nstartsecs=%(process_num)d\ncommand=x\n').map(
      (i) => i.message,
    );
    expect(msgs2[0]).toMatch(
      /Available names: .*, group_name, here, host_node_name, program_name$/,
    );
  });

  it('reads every option with its converter', () => {
    const c = parse(
      '[supervisord]\n[program:a]\ncommand=x\npriority=5\nautostart=false\nautorestart=true\nstartsecs=0\n' +
        'startretries=7\nexitcodes=0,2\nstopsignal=INT\nstopwaitsecs=3\nuser=nobody\ndirectory=/srv\numask=002\n' +
        'redirect_stderr=true\nstdout_logfile=NONE\nstdout_logfile_maxbytes=1MB\nstdout_logfile_backups=0\n' +
        'stdout_capture_maxbytes=1KB\nstdout_events_enabled=true\nstdout_syslog=true\nserverurl=http://h:1\n',
    );
    const p = c.groups[0]?.processes[0];
    expect(p).toMatchObject({
      priority: 5,
      autostart: false,
      autorestart: true,
      startsecs: 0,
      startretries: 7,
      exitcodes: [0, 2],
      stopsignal: 'INT',
      stopwaitsecs: 3,
      user: 'nobody',
      directory: '/srv',
      umask: 0o2,
      redirectStderr: true,
      serverurl: 'http://h:1',
      stdout: {
        logfile: null,
        logfileMaxbytes: 1048576,
        logfileBackups: 0,
        captureMaxbytes: 1024,
        eventsEnabled: true,
        syslog: true,
      },
    });
    expect(p?.stderr.logfile).toBeNull();
  });

  it('warns like supervisord (syslog logfile, AUTO without rollover, redirect_stderr), and about unknown keys', () => {
    const c = parse(
      '[supervisord]\n[program:a]\ncommand=x\nstdout_logfile=syslog\nstderr_logfile_maxbytes=0\n' +
        '[program:b]\ncommand=x\nredirect_stderr=true\nstderr_logfile=/tmp/e.log\ninherit=defaults\n',
    );
    const w = c.warnings.join('\n');
    expect(w).toContain('stdout_logfile=syslog but this is deprecated');
    expect(c.groups.find((g) => g.name === 'a')?.processes[0]?.stdout.syslog).toBe(true);
    expect(w).toContain('AUTO logging used for stderr_logfile without rollover');
    expect(w).toContain('redirect_stderr=true but stderr_logfile has also been set to a filename');
    expect(w).toContain("supervisord.conf:10 [program:b]: unknown option 'inherit' is ignored");
  });

  it('collects EVERY problem, each naming file, line, section and option', () => {
    const e = issues(
      '[supervisord]\nloglevel=loud\n[program:a]\ncommand=x\nstartsecs=abc\nautostart=maybe\n' +
        'stopsignal=NOPE\nexitcodes=300\n[program:b]\ndirectory=/\n[program:c d]\ncommand=x\n',
    ).map(formatIssue);
    expect(e).toEqual(
      expect.arrayContaining([
        "/etc/sv/supervisord.conf:2 [supervisord] loglevel: bad logging level name 'loud'",
        '/etc/sv/supervisord.conf:5 [program:a] startsecs: expected an integer, got "abc"',
        "/etc/sv/supervisord.conf:6 [program:a] autostart: not a valid boolean value: 'maybe'",
        "/etc/sv/supervisord.conf:7 [program:a] stopsignal: value 'NOPE' is not a valid signal name",
        "/etc/sv/supervisord.conf:8 [program:a] exitcodes: not a valid list of exit codes: '300'",
        '/etc/sv/supervisord.conf:9 [program:b] command: program section program:b does not specify a command',
        "/etc/sv/supervisord.conf:11 [program:c d]: Invalid name: 'c d' because of character: ' '",
      ]),
    );
    expect(e).toHaveLength(7);
  });

  it('stopasgroup=true with killasgroup=false is an error', () => {
    expect(
      issues('[supervisord]\n[program:a]\ncommand=x\nstopasgroup=true\nkillasgroup=false\n')[0]
        ?.message,
    ).toBe('Cannot set stopasgroup=true and killasgroup=false');
  });

  it('%% stays literal once in command, but stdout_logfile is expanded twice like supervisord', () => {
    const c = parse(
      '[supervisord]\n[program:a]\ncommand=celery -n w@%%h\nstdout_logfile=/l/%%%%h.log\n',
    );
    expect(c.groups[0]?.processes[0]?.command).toBe('celery -n w@%h');
    expect(c.groups[0]?.processes[0]?.stdout.logfile).toBe('/l/%h.log');
  });

  it('orders groups by priority then name, processes by name', () => {
    const c = parse(
      '[supervisord]\n[program:z]\ncommand=x\npriority=1\n[program:b]\ncommand=x\n[program:a]\ncommand=x\n',
    );
    expect(c.groups.map((g) => g.name)).toEqual(['z', 'a', 'b']);
  });
});

describe('loadConfig: [group:x], [eventlistener:x], [fcgi-program:x], [rpcinterface:x]', () => {
  it('moves programs into the group; %(group_name)s is the group', () => {
    const c = parse(
      '[supervisord]\n[group:g]\nprograms=a, b\npriority=5\n[program:a]\ncommand=run %(group_name)s\n' +
        '[program:b]\ncommand=x\n[program:c]\ncommand=x\n',
    );
    expect(c.groups.map((g) => [g.name, g.kind, g.priority])).toEqual([
      ['g', 'group', 5],
      ['c', 'program', 999],
    ]);
    expect(c.groups[0]?.processes.map((p) => p.name)).toEqual(['a', 'b']);
    expect(c.groups[0]?.processes[0]?.command).toBe('run g');
  });

  it('unknown program in a group is an error', () => {
    expect(issues('[supervisord]\n[group:g]\nprograms=nope\n')[0]).toMatchObject({
      line: 3,
      option: 'programs',
      message: '[group:g] names unknown program or fcgi-program nope',
    });
  });

  it('parses event listeners', () => {
    const c = parse(
      '[supervisord]\n[eventlistener:l]\ncommand=x\nevents=process_state, TICK_5\nbuffer_size=3\n',
    );
    expect(c.groups[0]).toMatchObject({ name: 'l', kind: 'eventlistener', priority: -1 });
    expect(c.groups[0]?.processes[0]?.listener).toEqual({
      events: ['PROCESS_STATE', 'TICK_5'],
      bufferSize: 3,
      resultHandler: 'supervisor.dispatchers:default_handler',
    });
  });

  it('validates event listeners like supervisord', () => {
    const msgs = issues(
      '[supervisord]\n[eventlistener:l]\ncommand=x\nevents=BOGUS\nbuffer_size=0\nredirect_stderr=true\n' +
        '[eventlistener:m]\ncommand=x\n',
    ).map((i) => i.message);
    expect(msgs).toEqual(
      expect.arrayContaining([
        'Unknown event type BOGUS in [eventlistener:l] events',
        '[eventlistener:l] section sets invalid buffer_size (0)',
        '[eventlistener:l] section sets redirect_stderr=true but this is not allowed because it will interfere with the eventlistener protocol',
        '[eventlistener:m] section requires an "events" line',
      ]),
    );
  });

  it('parses fcgi programs', () => {
    const c = parse(
      '[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=unix://%(here)s/%(program_name)s.sock\nsocket_mode=0660\n' +
        '[fcgi-program:t]\ncommand=x\nsocket=tcp://LocalHost:9000\nsocket_backlog=10\n',
    );
    expect(c.groups.find((g) => g.name === 'f')?.processes[0]?.fcgi).toEqual({
      socket: 'unix:///etc/sv/f.sock',
      socketBacklog: null,
      socketOwner: null,
      socketMode: 0o660,
    });
    expect(c.groups.find((g) => g.name === 't')?.processes[0]?.fcgi).toMatchObject({
      socket: 'tcp://localhost:9000',
      socketBacklog: 10,
    });
    const msgs = issues(
      '[supervisord]\n[fcgi-program:f]\ncommand=x\nsocket=unix://rel.sock\n[fcgi-program:g]\ncommand=x\n' +
        '[fcgi-program:h]\ncommand=x\nsocket=tcp://h:1\nsocket_mode=0600\n',
    ).map((i) => i.message);
    expect(msgs).toEqual([
      'Unix socket path rel.sock is not an absolute path',
      '[fcgi-program:g] section requires a "socket" line',
      'socket_owner and socket_mode params should only be used with a Unix domain socket',
    ]);
  });

  it('records rpcinterfaces, warns about unknown factories, ignores ctlplugins', () => {
    const c = parse(
      '[supervisord]\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n' +
        '[rpcinterface:x]\nsupervisor.rpcinterface_factory=my.mod:make\n[ctlplugin:y]\nsupervisor.ctl_factory=a:b\n',
    );
    expect(c.rpcinterfaces).toEqual({
      supervisor: 'supervisor.rpcinterface:make_main_rpcinterface',
      x: 'my.mod:make',
    });
    expect(c.warnings.join('\n')).toContain('rpcinterface factory my.mod:make is not supported');
    expect(issues('[supervisord]\n[rpcinterface:x]\nfoo=1\n')[0]?.message).toBe(
      'section [rpcinterface:x] does not specify a supervisor.rpcinterface_factory',
    );
  });
});

describe('loadConfig: files and [include]', () => {
  it('includes globs relative to the including file, sorted, with %(here)s per file', () => {
    const main = write(
      'inc/etc/supervisord.conf',
      '[supervisord]\nlogfile=%(here)s/main.log\n[include]\nfiles = conf.d/*.conf extra/one.ini missing/*.conf\n',
    );
    write('inc/etc/conf.d/b.conf', '[program:b]\ncommand=%(here)s/b\n');
    write(
      'inc/etc/conf.d/a.conf',
      '[program:a]\ncommand=%(here)s/a\nstdout_logfile=%(here)s/a.log\n',
    );
    write('inc/etc/conf.d/.hidden.conf', '[program:hidden]\ncommand=x\n');
    write(
      'inc/etc/extra/one.ini',
      '[program:one]\ncommand=%(here)s/one\n[include]\nfiles=nope/*.conf\n',
    );
    const c = loadConfig(main, OPTS);
    const d = path.join(tmp, 'inc/etc');
    expect(c.files).toEqual([
      main,
      path.join(d, 'conf.d/a.conf'),
      path.join(d, 'conf.d/b.conf'),
      path.join(d, 'extra/one.ini'),
    ]);
    expect(c.supervisord.logfile).toBe(path.join(d, 'main.log'));
    const cmd = Object.fromEntries(c.groups.map((g) => [g.name, g.processes[0]?.command]));
    expect(cmd).toEqual({ a: `${d}/conf.d/a`, b: `${d}/conf.d/b`, one: `${d}/extra/one` });
    expect(c.groups.find((g) => g.name === 'a')?.processes[0]?.sources.command).toEqual({
      file: path.join(d, 'conf.d/a.conf'),
      line: 2,
    });
    expect(
      c.warnings.some((w) => w.includes(`No file matches via include "${d}/missing/*.conf"`)),
    ).toBe(true);
  });

  it('errors in included files name that file and line', () => {
    const main = write('err/supervisord.conf', '[supervisord]\n[include]\nfiles=conf.d/*.conf\n');
    write('err/conf.d/web.conf', '[program:web]\ncommand=x\n\nstartsecs=abc\n');
    try {
      loadConfig(main, OPTS);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const i = (e as ConfigError).issues[0] as ConfigIssue;
      expect(i).toMatchObject({
        file: path.join(tmp, 'err/conf.d/web.conf'),
        line: 4,
        section: 'program:web',
      });
      expect((e as ConfigError).message).toBe(formatIssue(i));
    }
  });

  it('an [include] without files is an error; a missing main file is an error', () => {
    expect(issues('[supervisord]\n[include]\n')[0]?.message).toBe(
      '.ini file has [include] section, but no files setting',
    );
    expect(() => loadConfig(path.join(tmp, 'nope.conf'))).toThrow(/could not find config file/);
  });

  it('checks directories like supervisord when checkEnvironment is on', () => {
    const msgs = issues(
      '[supervisord]\nlogfile=/nonexistent-dir/x.log\nchildlogdir=/nonexistent-dir\n[program:a]\ncommand=x\nstdout_logfile=/nonexistent-dir/a.log\n',
      { ...OPTS, checkEnvironment: true },
    ).map((i) => i.message);
    expect(msgs).toEqual([
      'The directory named as part of the path /nonexistent-dir/x.log does not exist',
      '/nonexistent-dir is not an existing directory',
      'The directory named as part of the path /nonexistent-dir/a.log does not exist',
    ]);
  });

  it('formatIssue prints paths relative to cwd when inside it', () => {
    const file = path.join(process.cwd(), 'conf.d', 'web.conf');
    expect(
      formatIssue({ file, line: 12, section: 'program:web', option: 'startsecs', message: 'm' }),
    ).toBe(`${path.join('conf.d', 'web.conf')}:12 [program:web] startsecs: m`);
    expect(
      formatIssue({ file: '/x.conf', line: null, section: null, option: null, message: 'm' }),
    ).toBe('/x.conf: m');
  });
});

describe('findConfigFile and describeConfig', () => {
  it('searches supervisord paths in order', () => {
    const root = path.join(tmp, 'find');
    const bin = path.join(root, 'bin');
    const cwd = path.join(root, 'cwd');
    fs.mkdirSync(bin, { recursive: true });
    fs.mkdirSync(path.join(cwd, 'etc'), { recursive: true });
    write('find/cwd/etc/supervisord.conf', '');
    expect(findConfigFile({ cwd, execDir: bin })).toBe(path.join(cwd, 'etc', 'supervisord.conf'));
    write('find/cwd/supervisord.conf', '');
    expect(findConfigFile({ cwd, execDir: bin })).toBe(path.join(cwd, 'supervisord.conf'));
    write('find/supervisord.conf', '');
    expect(findConfigFile({ cwd, execDir: bin })).toBe(path.join(root, 'supervisord.conf'));
    write('find/etc/supervisord.conf', '');
    expect(findConfigFile({ cwd, execDir: bin })).toBe(path.join(root, 'etc', 'supervisord.conf'));
  });

  it('describes groups and processes', () => {
    const c = parse('[supervisord]\n[group:g]\nprograms=a\n[program:a]\ncommand=run a\n');
    const d = describeConfig(c);
    expect(d.text).toContain('[group] g (priority 999, 1 process)');
    expect(d.text).toContain('  g:a: run a');
    expect(JSON.stringify(d.json)).toContain('"namespec":"g:a"');
  });
});
