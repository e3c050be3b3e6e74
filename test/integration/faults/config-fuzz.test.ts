/**
 * Seeded config fuzz: mutations of a valid config either load or fail with a ConfigError whose
 * issues name the file (and the line when there is one); never another exception, never a hang.
 * A sample of the mutants also goes through `paddockd --check` as a real process: exit 0 or 1.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

import { ConfigError, parseConfigText } from '../../../main/engine/config/load.js';
import { tempDir } from '../../helpers/config.js';
import { PADDOCKD, prng } from './_util.js';

const BASE = `[unix_http_server]
file=/tmp/paddock-fuzz.sock
chmod=0700

[supervisord]
logfile=/tmp/paddock-fuzz.log
logfile_maxbytes=50MB
loglevel=info
pidfile=/tmp/paddock-fuzz.pid
minfds=1024

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///tmp/paddock-fuzz.sock

[program:web]
command=/bin/sleep 1000
process_name=%(program_name)s_%(process_num)02d
numprocs=3
priority=10
autostart=true
autorestart=unexpected
startsecs=2
startretries=3
exitcodes=0,2
stopsignal=TERM
stopwaitsecs=5
environment=A="1",B="two words"
stdout_logfile=AUTO
stdout_logfile_maxbytes=1MB

[program:worker]
command=/bin/sh -c "echo %(ENV_HOME)s"
directory=/tmp
user=root
redirect_stderr=true

[group:all]
programs=web,worker
priority=5

[eventlistener:ev]
command=/bin/cat
events=PROCESS_STATE,TICK_60
buffer_size=10

[include]
files=/nonexistent/conf.d/*.conf
`;

const TOKENS = [
  '[',
  ']',
  '=',
  ':',
  '%(',
  ')s',
  '%(program_name)s',
  '%(ENV_NOPE)s',
  '%%',
  '"',
  "'",
  ',',
  ';',
  '#',
  '\n',
  '\t',
  ' ',
  '\\',
  '[program:',
  '[group:',
  'numprocs=0',
  'numprocs=1000',
  'startsecs=-1',
  'priority=abc',
  'stopsignal=NOPE',
  'user=nosuchuser',
  'exitcodes=',
  'logfile_maxbytes=1XB',
  'process_name=same',
  'command=',
  '\u0000',
  '\u00e9',
  '\ufeff',
  '9'.repeat(40),
];

function mutate(text: string, rnd: () => number): string {
  const lines = text.split('\n');
  const ops = 1 + Math.floor(rnd() * 4);
  for (let k = 0; k < ops; k++) {
    const i = Math.floor(rnd() * lines.length);
    const line = lines[i] ?? '';
    const r = rnd();
    const tok = TOKENS[Math.floor(rnd() * TOKENS.length)] as string;
    if (r < 0.2) lines.splice(i, 1);
    else if (r < 0.35) lines.splice(i, 0, line);
    else if (r < 0.55) {
      const at = Math.floor(rnd() * (line.length + 1));
      lines[i] = line.slice(0, at) + tok + line.slice(at);
    } else if (r < 0.7) {
      const at = Math.floor(rnd() * (line.length + 1));
      lines[i] = line.slice(0, at) + line.slice(at + 1 + Math.floor(rnd() * 5));
    } else if (r < 0.85) {
      const eq = line.indexOf('=');
      lines[i] = eq === -1 ? tok : `${line.slice(0, eq + 1)}${tok}`;
    } else lines.splice(i, 0, tok);
  }
  return lines.join('\n');
}

describe('fault: config fuzz (fixed seed)', () => {
  it('every mutant loads or fails with a ConfigError naming the file', { timeout: 60_000 }, () => {
    const rnd = prng(0xc0f16);
    const file = '/etc/paddock-fuzz/supervisord.conf';
    let ok = 0;
    let rejected = 0;
    const crashes: string[] = [];
    expect(() => parseConfigText(BASE, file, { env: { HOME: '/root' } })).not.toThrow();
    for (let i = 0; i < 600; i++) {
      const text = mutate(BASE, rnd);
      const t0 = Date.now();
      try {
        parseConfigText(text, file, { env: { HOME: '/root' } });
        ok++;
      } catch (e) {
        if (e instanceof ConfigError) {
          rejected++;
          expect(e.issues.length).toBeGreaterThan(0);
          for (const issue of e.issues) {
            expect(issue.file).toContain('paddock-fuzz');
            expect(issue.message.length).toBeGreaterThan(0);
          }
        } else if (crashes.length < 10) {
          crashes.push(`#${i}: ${String(e)}\n--- input ---\n${text}`);
        }
      }
      expect(Date.now() - t0).toBeLessThan(5000);
    }
    expect(crashes).toEqual([]);
    expect(ok).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(100);
  });

  it(
    'paddockd --check on a sample of mutants exits 0 or 1 with a message, never crashes',
    { timeout: 90_000 },
    () => {
      const rnd = prng(0xc4ec);
      const dir = tempDir('paddock-fault-cfgfuzz-');
      try {
        const conf = path.join(dir, 'supervisord.conf');
        for (let i = 0; i < 12; i++) {
          fs.writeFileSync(conf, mutate(BASE, rnd), { mode: 0o600 });
          const r = spawnSync(process.execPath, [PADDOCKD, '--check', '-c', conf], {
            encoding: 'utf8',
            timeout: 20_000,
            env: { ...process.env, HOME: '/root' },
          });
          expect(r.error).toBeUndefined();
          expect([0, 1]).toContain(r.status);
          if (r.status === 1) expect(r.stderr).toMatch(/supervisord\.conf/);
          expect(r.stderr).not.toMatch(/\n\s+at .+\(.*:\d+:\d+\)/); // no stack trace
        }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});
