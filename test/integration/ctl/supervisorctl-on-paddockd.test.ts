/**
 * Debian's REAL supervisorctl driving paddockd (`node bin/paddockd.js -n -c conf`) with real child
 * programs; each command's output and exit status must equal what the same supervisorctl prints
 * against the real supervisord running the same config in the same state.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  baseConf,
  HAVE_SUPERVISOR,
  normalize,
  paddockctl,
  PROGRAMS,
  startDaemon,
  SUPERVISORD,
  supervisorctl,
  tempDir,
  type Daemon,
} from './helpers.js';

const ROOT = resolve(__dirname, '../../..');
let real: Daemon;
let ours: Daemon;

const up = async (conf: string): Promise<boolean> =>
  (await supervisorctl(conf, ['status', 'echoer'])).out.includes('RUNNING');

beforeAll(async () => {
  if (!HAVE_SUPERVISOR) return;
  // paddockd runs from out/: build it (tsc emits even if a file someone is editing has errors)
  try {
    execFileSync(
      process.execPath,
      [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.node.json')],
      { cwd: ROOT, stdio: 'ignore', timeout: 240_000 },
    );
  } catch {
    /* type errors elsewhere do not stop emit */
  }
  const d1 = tempDir('ctl-real-');
  const d2 = tempDir('ctl-paddockd-');
  [real, ours] = await Promise.all([
    startDaemon(SUPERVISORD, ['-n'], d1, baseConf(d1, PROGRAMS), up),
    startDaemon(
      process.execPath,
      [join(ROOT, 'bin/paddockd.js'), '-n'],
      d2,
      baseConf(d2, PROGRAMS),
      up,
    ),
  ]);
}, 300_000);

afterAll(async () => {
  await Promise.all([real?.stop(), ours?.stop()]);
});

const STEPS: [string, string[]][] = [
  ['status', []],
  ['status cat', []],
  ['status grp:*', []],
  ['status nope', []],
  ['status sleeper', []],
  ['start sleeper', ['stop sleeper']],
  ['start sleeper', ['start sleeper']],
  ['start nope', []],
  ['start grp:*', ['stop grp:*']],
  ['stop sleeper', ['start sleeper']],
  ['stop sleeper', ['stop sleeper']],
  ['stop grp:*', ['start grp:*']],
  ['restart cat', []],
  ['signal HUP sleeper', ['stop sleeper']],
  ['signal CONT cat', []],
  ['signal BOGUS cat', []],
  ['pid cat', []],
  ['pid sleeper', ['stop sleeper']],
  ['pid nope', []],
  ['tail echoer', []],
  ['tail echoer stderr', []],
  ['tail -5 echoer', []],
  ['tail nope', []],
  ['clear cat', []],
  ['clear nope', []],
  ['avail', []],
  ['reread', []],
  ['update', []],
  ['add nope', []],
  ['add cat', []],
  ['remove cat', []],
  ['version', []],
  ['fg nope', []],
  ['fg sleeper', ['stop sleeper']],
];

async function both(args: string[], reset: string[]) {
  for (const r of reset)
    await Promise.all([
      supervisorctl(real.conf, r.split(' ')),
      supervisorctl(ours.conf, r.split(' ')),
    ]);
  return Promise.all([supervisorctl(real.conf, args), supervisorctl(ours.conf, args)]);
}

describe.skipIf(!HAVE_SUPERVISOR)('real supervisorctl on paddockd = on supervisord', () => {
  it.each(STEPS)('%s', async (cmd, reset) => {
    const [a, b] = await both(cmd.split(' '), reset);
    expect(normalize(b.out)).toBe(normalize(a.out));
    expect(b.code).toBe(a.code);
  });

  it('maintail -N reads the main log', async () => {
    appendFileSync(join(ours.dir, 'supervisord.log'), 'marker line\n');
    const r = await supervisorctl(ours.conf, ['maintail', '-12']);
    expect(r).toEqual({ code: 0, out: 'marker line\n\n' });
  });

  it('reread/update/remove/add after a config change', async () => {
    for (const d of [real, ours]) {
      const conf =
        readFileSync(d.conf, 'utf8').replace(
          '[program:cat]\ncommand=/bin/cat',
          '[program:cat]\ncommand=/bin/cat -u',
        ) + '\n[program:extra]\ncommand=/bin/sleep 1000\nstartsecs=0\n';
      writeFileSync(d.conf, conf);
    }
    for (const step of [
      ['reread'],
      ['update'],
      ['status'],
      ['stop', 'extra'],
      ['remove', 'extra'],
      ['add', 'extra'],
      ['avail'],
    ]) {
      const [a, b] = await both(step, []);
      expect(normalize(b.out), step.join(' ')).toBe(normalize(a.out));
      expect(b.code, step.join(' ')).toBe(a.code);
    }
  });

  it('tail -f streams appended output (real supervisorctl over /logtail)', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn('/usr/bin/supervisorctl', ['-c', ours.conf, 'tail', '-f', 'echoer'], {
      env: { ...process.env, PYTHONIOENCODING: 'utf-8' },
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 20_000;
    while (!out.includes('hello out') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
    expect(out).toContain('==> Press Ctrl-C to exit <==');
    expect(out).toContain('hello out');
  });

  it('logtail over the socket is chunked text/plain', async () => {
    const headers = await new Promise<Record<string, unknown>>((res, rej) => {
      const req = request({ socketPath: ours.sock, path: '/logtail/echoer' }, (r) => {
        res(r.headers);
        req.destroy();
      });
      req.on('error', rej);
      req.end();
    });
    expect(headers['content-type']).toBe('text/plain;charset=utf-8');
    expect(headers['transfer-encoding']).toBe('chunked');
  });

  it('paddockctl drives paddockd too', async () => {
    const r = await paddockctl(ours.conf, ['status', 'cat']);
    const s = await supervisorctl(ours.conf, ['status', 'cat']);
    expect(r).toEqual(s);
  });

  it('shutdown', async () => {
    const [a, b] = await both(['shutdown'], []);
    expect(b).toEqual(a);
    expect(b.out).toBe('Shut down\n');
    await new Promise((r) => (ours.child.exitCode !== null ? r(null) : ours.child.once('exit', r)));
  });
});
