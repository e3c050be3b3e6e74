/**
 * main/index.ts for real, under plain Node: the bundled main process runs against a fake
 * `electron` module (no Electron binary here) with a real engine, real children and a real
 * config, and is driven through its IPC handlers, tray menu, window and quit paths.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alive, nodeCmd, tempDir } from '../../../helpers/config.js';

const ROOT = resolve(import.meta.dirname, '../../../..');
const CACHE = join(ROOT, 'node_modules', '.cache');
const bundle = join(CACHE, `paddock-main-smoke-${process.pid}.mjs`);
let dir: string;
let appRoot: string;

beforeAll(async () => {
  mkdirSync(CACHE, { recursive: true });
  // Bundled next to node_modules so the packages (zod, electron-store …) resolve; `electron`
  // stays an import, which the driver's resolve hook points at the fake.
  await build({
    entryPoints: [join(ROOT, 'main', 'index.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'error',
  });
});
afterAll(() => rmSync(bundle, { force: true }));

function launch(mode: 'drive' | 'sigterm' | 'firstrun'): {
  child: ChildProcess;
  lines: AsyncIterator<string>;
  userData: string;
} {
  dir = tempDir('paddock-smoke-');
  mkdirSync(join(dir, 'logs'));
  const config = join(dir, 'supervisord.conf');
  writeFileSync(
    config,
    `[supervisord]\nlogfile=%(here)s/logs/supervisord.log\nchildlogdir=%(here)s/logs\n\n[program:web]\ncommand=${nodeCmd('forever.js')}\nstartsecs=0\n`,
  );
  const userData = join(dir, 'user-data');
  // A stand-in app root: a tiny built renderer, and the real icons.
  appRoot = join(dir, 'app');
  mkdirSync(join(appRoot, 'out', 'renderer'), { recursive: true });
  writeFileSync(
    join(appRoot, 'out', 'renderer', 'index.html'),
    '<!doctype html><title>Paddock</title>',
  );
  symlinkSync(join(ROOT, 'assets'), join(appRoot, 'assets'));
  const child = spawn(
    process.execPath,
    [
      join(import.meta.dirname, 'smoke-driver.mjs'),
      bundle,
      mode,
      ...(mode === 'firstrun' ? [] : ['--config', config]),
    ],
    {
      env: {
        ...process.env,
        PADDOCK_CONFIG: '',
        PADDOCK_USER_DATA: userData,
        FAKE_APP_PATH: appRoot,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  child.on('exit', (code) => {
    if (code !== 0) console.error(`smoke driver exited ${code}:\n${stderr}`);
  });
  return {
    child,
    lines: createInterface({ input: child.stdout! })[Symbol.asyncIterator](),
    userData,
  };
}

async function next(lines: AsyncIterator<string>): Promise<Record<string, unknown>> {
  for (;;) {
    const r = await lines.next();
    if (r.done) throw new Error('driver ended early');
    // The app's own log lines go to stdout too; the driver's are JSON objects with a step.
    if (r.value.startsWith('{"step"')) return JSON.parse(r.value) as Record<string, unknown>;
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((r) => child.once('exit', (code) => r(code)));
}

describe('main process smoke run (fake electron, real engine)', () => {
  it('opens a locked-down window, serves IPC, drives the tray, hides on close, quits in order', async () => {
    const { child, lines, userData } = launch('drive');
    try {
      const win = await next(lines);
      expect(win).toMatchObject({
        step: 'window',
        count: 1,
        visible: true,
        url: 'paddock://app/index.html',
        webPreferences: {
          contextIsolation: true,
          sandbox: true,
          nodeIntegration: false,
          webviewTag: false,
        },
        schemes: [{ scheme: 'paddock', privileges: { standard: true, secure: true } }],
      });
      expect(win.channels).toBeGreaterThan(20);

      const proto = await next(lines);
      expect(proto).toMatchObject({
        index: {
          status: 200,
          type: 'text/html; charset=utf-8',
          body: '<!doctype html><title>Paddock</title>',
        },
        root: { status: 200 },
        traversal: { status: 404 },
        otherHost: { status: 404 },
      });
      expect((proto.index as { csp: string }).csp).toContain("default-src 'self'");

      const ipc = await next(lines);
      expect(ipc).toMatchObject({
        step: 'ipc',
        untrusted: { ok: false, error: { faultName: 'UNKNOWN_METHOD' } },
        subframe: { ok: false, error: { faultName: 'UNKNOWN_METHOD' } },
        badArgs: { ok: false, error: { faultName: 'BAD_ARGUMENTS' } },
        badName: { ok: false, error: { faultName: 'BAD_NAME', message: 'BAD_NAME: nope' } },
      });
      // The engine reported the service RUNNING with this pid (the fake-Electron harness is not a
      // place to judge the child itself: it inherits a loader environment it may not survive).
      expect(ipc.pid as number).toBeGreaterThan(0);

      const tray = await next(lines);
      expect(tray.icon).toBe(join(appRoot, 'assets', 'tray', 'running.png'));
      expect(tray.tooltip).toBe('Paddock: 1 running');
      expect(JSON.stringify(tray.labels)).toContain(
        '"web — RUNNING":["Start","Stop","Restart","---","Show log"]',
      );
      expect(tray.labels).toEqual(
        expect.arrayContaining([
          'Start all',
          'Stop all',
          'Reload config',
          'Open Paddock',
          'Start at login',
          'Quit Paddock',
        ]),
      );

      const actions = await next(lines);
      expect(actions).toMatchObject({
        step: 'tray-actions',
        icon: join(appRoot, 'assets', 'tray', 'running.png'),
      });
      expect(actions.pushes).toBeGreaterThan(0);

      expect(await next(lines)).toEqual({ step: 'closed', visible: false, destroyed: false });

      const quitting = await next(lines);
      const pid = quitting.pid as number;
      expect(await exited(child)).toBe(0);
      expect(alive(pid)).toBe(false);
      expect(JSON.parse(readFileSync(join(userData, 'children.json'), 'utf8'))).toMatchObject({
        children: [],
      });
      const prefs = JSON.parse(readFileSync(join(userData, 'preferences.json'), 'utf8')) as Record<
        string,
        unknown
      >;
      expect(prefs).toMatchObject({
        schemaVersion: 2,
        windowBounds: { x: 10, y: 20, width: 900, height: 700 },
      });
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM stops every service before the process exits', async () => {
    const { child, lines } = launch('sigterm');
    try {
      const running = await next(lines);
      const pid = running.pid as number;
      expect(alive(pid)).toBe(true);
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      expect(alive(pid)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('first run: writes the starter supervisord.conf in userData, runs it, and shows the window', async () => {
    const { child, lines, userData } = launch('firstrun');
    try {
      const first = await next(lines);
      expect(first).toMatchObject({
        step: 'firstrun',
        processes: ['hello:STOPPED'],
        visible: true,
      });
      expect(first.tooltip).toBe('Paddock: 1 stopped');
      expect(readFileSync(join(userData, 'supervisord.conf'), 'utf8')).toContain('[program:hello]');
      expect(await exited(child)).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
