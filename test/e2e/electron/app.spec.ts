/**
 * End to end: launches the real desktop app with Playwright's Electron support, against a
 * temporary user-data directory and config. Runs where Electron's binary is installed; where it
 * is not (npm install --ignore-scripts, no network), every test is skipped with the reason.
 *
 *   npm run test:e2e:electron
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

function electronBinary(): string | null {
  const pkg = join(ROOT, 'node_modules', 'electron');
  try {
    const rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
    const bin = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(pkg, 'dist'), rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const BIN = electronBinary();
const SKIP_REASON = "Electron's binary is not installed (node_modules/electron/dist is missing)";
if (BIN === null) console.warn(`app.spec.ts skipped: ${SKIP_REASON}`);

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(BIN === null)(
  `Paddock desktop app${BIN === null ? ` — skipped: ${SKIP_REASON}` : ''}`,
  () => {
    let app: ElectronApplication;
    let page: Page;
    let dir: string;
    let userData: string;

    beforeAll(async () => {
      execFileSync(process.platform === 'win32' ? 'npm.cmd' : 'npm', ['run', '--silent', 'build'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
      dir = mkdtempSync(join(tmpdir(), 'paddock-e2e-'));
      userData = join(dir, 'user-data');
      mkdirSync(join(dir, 'logs'), { recursive: true });
      const config = join(dir, 'supervisord.conf');
      const forever = join(ROOT, 'test', 'fixtures', 'programs', 'forever.js');
      writeFileSync(
        config,
        [
          '[supervisord]',
          'logfile=%(here)s/logs/supervisord.log',
          'childlogdir=%(here)s/logs',
          '',
          '[program:web]',
          `command=${process.execPath} ${forever}`,
          'startsecs=0',
          '',
        ].join('\n'),
      );
      app = await electron.launch({
        executablePath: BIN!,
        args: [ROOT, '--config', config],
        cwd: ROOT,
        env: { ...process.env, PADDOCK_USER_DATA: userData } as Record<string, string>,
      });
      page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
    });

    afterAll(async () => {
      await app?.close().catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('the window is isolated: no Node, only the narrow window.paddock bridge', async () => {
      const probe = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridge: typeof window.paddock,
        methods: Object.keys(window.paddock ?? {}).sort(),
        url: location.href,
      }));
      expect(probe).toMatchObject({ require: 'undefined', process: 'undefined', bridge: 'object' });
      expect(probe.methods).toContain('startProcess');
      expect(probe.methods).not.toContain('invoke');
      expect(probe.url.startsWith('paddock://app/')).toBe(true);
    });

    it('runs the config, and start/stop through the bridge change the state', async () => {
      await expect
        .poll(
          async () =>
            page.evaluate(
              async () => (await window.paddock!.getSnapshot()).processes[0]?.statename,
            ),
          {
            timeout: 30_000,
          },
        )
        .toBe('RUNNING');
      expect(await page.evaluate(() => window.paddock!.stopProcess('web'))).toBe(true);
      const err = await page.evaluate(() =>
        window.paddock!.startProcess('nope').catch((e: Error) => e.message),
      );
      expect(err).toContain('"faultName":"BAD_NAME"');
      expect(await page.evaluate(() => window.paddock!.startProcess('web'))).toBe(true);
    });

    it('closing the window hides it to the tray; the services keep running', async () => {
      const pid = await page.evaluate(
        async () => (await window.paddock!.getSnapshot()).processes[0]!.pid,
      );
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
      await expect
        .poll(() =>
          app.evaluate(({ BrowserWindow }) =>
            BrowserWindow.getAllWindows().map((w) => w.isVisible()),
          ),
        )
        .toEqual([false]);
      expect(alive(pid)).toBe(true);
    });

    it('window.open and navigation are denied', async () => {
      await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.show());
      await page.evaluate(() => {
        window.open('file:///etc/passwd');
        location.href = 'file:///etc/passwd';
      });
      await expect.poll(() => page.url()).toMatch(/^paddock:\/\/app\//);
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(
        1,
      );
    });

    it('quitting stops every service before the app exits', async () => {
      const pid = await page.evaluate(
        async () => (await window.paddock!.getSnapshot()).processes[0]!.pid,
      );
      expect(alive(pid)).toBe(true);
      const closed = new Promise<void>((r) => app.process().once('exit', () => r()));
      await app.evaluate(({ app: a }) => a.quit());
      await closed;
      expect(alive(pid)).toBe(false);
      expect(JSON.parse(readFileSync(join(userData, 'children.json'), 'utf8'))).toMatchObject({
        children: [],
      });
    });
  },
);
