/**
 * End-to-end: a real `paddockd` process (`node bin/paddockd.js -n -c <conf>`, as built by
 * `npm run build`) with real child programs, serving the built UI at its `[inet_http_server]`
 * address, driven through Debian's Chromium by playwright-core.
 * Screenshots go to docs/screenshots/.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  ROOT,
  freePort,
  haveBuiltUi,
  httpGet,
  startPaddockd,
  taggedPids,
  waitFor,
  type Daemon,
} from './paddockd.js';

const SHOTS = path.join(ROOT, 'docs/screenshots');

let browser: Browser | undefined;

async function launch(): Promise<Browser> {
  browser ??= await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return browser;
}

afterAll(async () => {
  await browser?.close();
});

async function badgeOf(page: Page, ns: string): Promise<string> {
  return (
    (await page.locator(`[data-testid="proc-${ns}"] [data-testid="badge"]`).textContent()) ?? ''
  );
}

async function logText(page: Page): Promise<string> {
  return page.locator('[data-testid="log-lines"]').innerText();
}

/** 200 MB of log lines with one needle line at about 150 MB. */
function writeBigLog(file: string): void {
  const line = (i: number) => `2026-11-24 10:00:00,000 INFO request ${i} handled in 3ms\n`;
  let block = '';
  for (let i = 0; block.length < 1024 * 1024; i++) block += line(i);
  const fd = fs.openSync(file, 'w');
  try {
    for (let mb = 0; mb < 200; mb++) {
      if (mb === 150) fs.writeSync(fd, 'ERROR needle-7f3a the one line we are looking for\n');
      fs.writeSync(fd, block);
    }
  } finally {
    fs.closeSync(fd);
  }
}

describe.skipIf(!haveBuiltUi())('browser UI against a real paddockd', () => {
  let dir: string;
  let conf: string;
  let port: number;
  let daemon: Daemon | undefined;
  let page: Page;

  function confText(extra = ''): string {
    const ticker = path.join(dir, 'ticker.js');
    return `[supervisord]
logfile=${dir}/supervisord.log
childlogdir=${dir}
identifier=e2e
pidfile=${dir}/supervisord.pid

[inet_http_server]
port=127.0.0.1:${port}

[program:ticker]
command=${process.execPath} ${ticker}
stdout_logfile=${dir}/ticker.log
startsecs=0

[program:sleeper]
command=sleep 1000
autostart=false
startsecs=0

[program:biglog]
command=sleep 1000
autostart=false
stdout_logfile=${dir}/big.log
stdout_logfile_maxbytes=0
${extra}`;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-e2e-'));
    fs.mkdirSync(SHOTS, { recursive: true });
    fs.writeFileSync(
      path.join(dir, 'ticker.js'),
      `let i = 0;
console.log('\\u001b[32mready\\u001b[0m hello-from-child');
setInterval(() => console.log('\\u001b[36mtick\\u001b[0m ' + (i++) + ' \\u001b[1mworker\\u001b[0m ok'), 200);`,
    );
    writeBigLog(path.join(dir, 'big.log'));
    port = await freePort();
    conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(conf, confText());
    const [d, b] = await Promise.all([startPaddockd(conf, port), launch()]);
    daemon = d;
    page = await b.newPage({ viewport: { width: 1440, height: 860 }, colorScheme: 'dark' });
    page.on('pageerror', (e) => console.error('pageerror', e));
  }, 120_000);

  afterAll(async () => {
    await page?.close();
    await daemon?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows the processes and starts/stops one from the UI', async () => {
    await page.goto(daemon!.base + '/');
    await page.waitForSelector('[data-testid="proc-ticker:ticker"]');
    await waitFor(
      'ticker RUNNING',
      async () => (await badgeOf(page, 'ticker:ticker')) === 'RUNNING',
    );
    expect(await badgeOf(page, 'sleeper:sleeper')).toBe('STOPPED');
    await page.click('[data-testid="proc-sleeper:sleeper"] [data-testid="start"]');
    await waitFor(
      'sleeper RUNNING',
      async () => (await badgeOf(page, 'sleeper:sleeper')) === 'RUNNING',
    );
    expect(
      await page.isDisabled('[data-testid="proc-sleeper:sleeper"] [data-testid="start"]'),
    ).toBe(true);
    // The child really runs: the daemon's real process table has it.
    const snap = JSON.parse((await httpGet(`${daemon!.base}/api/snapshot`)).body) as {
      processes: { name: string; pid: number }[];
    };
    const pid = snap.processes.find((p) => p.name === 'sleeper')?.pid ?? 0;
    expect(pid).toBeGreaterThan(0);
    expect(taggedPids(daemon!.tag)).toContain(pid);
    await page.screenshot({ path: path.join(SHOTS, 'processes.png') });
    await page.click('[data-testid="proc-sleeper:sleeper"] [data-testid="stop"]');
    await waitFor(
      'sleeper STOPPED',
      async () => (await badgeOf(page, 'sleeper:sleeper')) === 'STOPPED',
    );
    await waitFor('sleeper pid gone', () => !taggedPids(daemon!.tag).includes(pid));
  });

  it('shows a line the child printed in the log viewer, live', async () => {
    await page.click('[data-testid="proc-ticker:ticker"] .pname');
    await page.waitForSelector('[data-testid="log-lines"] .line');
    await waitFor('child line', async () => (await logText(page)).includes('hello-from-child'));
    // Live: a later tick appears without reloading.
    const before = await page.locator('[data-testid="log-lines"] .line').count();
    await waitFor(
      'more ticks',
      async () => (await page.locator('[data-testid="log-lines"] .line').count()) > before + 2,
    );
    await page.screenshot({ path: path.join(SHOTS, 'log-viewer.png') });
    await page.click('[data-testid="tab-history"]');
    await page.waitForSelector('[data-testid="history"] tbody tr');
    await page.click('[data-testid="tab-config"]');
    await waitFor('config source', async () =>
      (await page.locator('[data-testid="config"]').innerText()).includes('supervisord.conf:'),
    );
    await page.screenshot({ path: path.join(SHOTS, 'config-view.png') });
  });

  it('opens the log viewer named by a #log= deep link, on load and on hash change', async () => {
    const title = page.locator('[data-testid="detail-title"]');
    await page.goto(`${daemon!.base}/#log=${encodeURIComponent('ticker')}`);
    await waitFor('ticker log', async () => (await title.textContent()) === 'ticker:ticker');
    await waitFor('child line', async () => (await logText(page)).includes('hello-from-child'));
    // Consumed: the hash is cleared so the same link can be opened again.
    expect(await page.evaluate(() => window.location.hash)).toBe('');
    await page.evaluate(() => {
      window.location.hash = '#log=sleeper%3Asleeper&stream=stderr';
    });
    await waitFor('sleeper log', async () => (await title.textContent()) === 'sleeper:sleeper');
    expect(await page.getAttribute('[data-testid="log-mode-stderr"]', 'class')).toContain('on');
    await page.evaluate(() => {
      window.location.hash = '#log=ticker%3Aticker';
    });
    await waitFor('ticker again', async () => (await title.textContent()) === 'ticker:ticker');
    expect(await page.getAttribute('[data-testid="log-mode-stdout"]', 'class')).toContain('on');
  });

  it('opens a 200 MB log instantly and finds a line in it', async () => {
    await page.click('[data-testid="proc-biglog:biglog"] .pname');
    await page.click('[data-testid="tab-logs"]');
    const t0 = Date.now();
    await waitFor('big log tail', async () => (await logText(page)).includes('handled in 3ms'));
    const firstPaint = Date.now() - t0;
    const t1 = Date.now();
    await page.fill('[data-testid="log-search"]', 'needle-7f3a');
    await page.press('[data-testid="log-search"]', 'Enter');
    await waitFor(
      'needle line',
      async () => (await logText(page)).includes('needle-7f3a the one line'),
      60_000,
    );
    const searchMs = Date.now() - t1;
    expect(await page.textContent('[data-testid="match-count"]')).toBe('1/1');
    await page.screenshot({ path: path.join(SHOTS, 'log-search-200mb.png') });
    console.log(`200 MB log: first paint ${firstPaint} ms, whole-log search ${searchMs} ms`);
  });

  it('shows the errors of a failed reload in a banner, with file and line', async () => {
    const broken = confText('\n[program:broken]\ncommand=sleep 1\nautostart=maybe\n');
    const line = broken.split('\n').indexOf('autostart=maybe') + 1;
    fs.writeFileSync(conf, broken);
    await page.click('[data-testid="reload"]');
    await page.waitForSelector('[data-testid="reload-dialog"] .error');
    await page.click('[data-testid="reload-dialog"] button:has-text("Cancel")');
    const banner = page.locator('[data-testid="config-error"]');
    await banner.waitFor();
    const text = await banner.innerText();
    expect(text).toContain(`supervisord.conf:${line}`);
    expect(text).toContain('[program:broken]');
    expect(text).toContain('autostart');
    expect(text).toContain('not a valid boolean');
    // The daemon reports it too, so another window sees the same banner.
    const status = JSON.parse((await httpGet(`${daemon!.base}/api/config-status`)).body) as {
      error: string | null;
    };
    expect(status.error).toContain(`supervisord.conf:${line}`);
    await page.screenshot({ path: path.join(SHOTS, 'config-error.png') });
  });

  it('previews a config reload with the diff before applying it', async () => {
    fs.writeFileSync(
      conf,
      confText(`\n[program:added]\ncommand=sleep 1000\nautostart=false\n`).replace(
        'command=sleep 1000\nautostart=false\nstartsecs=0',
        'command=sleep 999\nautostart=false\nstartsecs=0',
      ),
    );
    // Fixed: "Reload again" in the banner previews the diff, and the banner goes away.
    await page.click('[data-testid="config-error-retry"]');
    await page.waitForSelector('[data-testid="reload-dialog"]');
    await page.locator('[data-testid="config-error"]').waitFor({ state: 'detached' });
    const text = await page.locator('[data-testid="reload-dialog"]').innerText();
    expect(text).toContain('+ added');
    expect(text).toContain('~ sleeper');
    await page.screenshot({ path: path.join(SHOTS, 'reload-preview.png') });
    await page.click('[data-testid="apply-reload"]');
    await page.waitForSelector('[data-testid="proc-added:added"]', { timeout: 20_000 });
  });

  it('follows prefers-color-scheme and remembers the toggle in localStorage', async () => {
    const themeOf = (p: Page) => p.evaluate(() => document.documentElement.dataset.theme);
    const b = await launch();
    const light = await b.newContext({
      colorScheme: 'light',
      viewport: { width: 1440, height: 860 },
    });
    const dark = await b.newContext({ colorScheme: 'dark' });
    try {
      const p = await light.newPage();
      await p.goto(daemon!.base + '/#log=ticker');
      await p.waitForSelector('[data-testid="log-lines"] .line');
      expect(await themeOf(p)).toBe('light');
      const bg = await p.evaluate(() => getComputedStyle(document.body).backgroundColor);
      expect(bg).toBe('rgb(245, 246, 248)');
      await p.screenshot({ path: path.join(SHOTS, 'processes-light.png') });
      const d = await dark.newPage();
      await d.goto(daemon!.base + '/');
      await waitFor('dark theme', async () => (await themeOf(d)) === 'dark');
      // Toggle in the light-system window: dark, remembered across a reload.
      await p.click('[data-testid="theme-toggle"]');
      expect(await themeOf(p)).toBe('dark');
      expect(await p.evaluate(() => localStorage.getItem('paddock-theme'))).toBe('dark');
      await p.reload();
      await waitFor('remembered dark', async () => (await themeOf(p)) === 'dark');
      // Toggling back to the system's scheme forgets the choice: follow the system again.
      await p.click('[data-testid="theme-toggle"]');
      expect(await themeOf(p)).toBe('light');
      expect(await p.evaluate(() => localStorage.getItem('paddock-theme'))).toBeNull();
      // The system scheme changing while open is followed.
      await p.emulateMedia({ colorScheme: 'dark' });
      await waitFor('system went dark', async () => (await themeOf(p)) === 'dark');
    } finally {
      await light.close();
      await dark.close();
    }
  });

  it('leaves no child behind when the daemon is stopped', async () => {
    expect(taggedPids(daemon!.tag).length).toBeGreaterThan(1); // the daemon and its ticker
    const d = daemon!;
    daemon = undefined;
    expect(await d.stop()).toEqual([]);
    expect(d.proc.exitCode).toBe(0);
    expect(taggedPids(d.tag)).toEqual([]);
  });
});

describe.skipIf(!haveBuiltUi())('browser UI behind [inet_http_server] username/password', () => {
  const auth = { username: 'alice', password: 's3cret' };
  let dir: string;
  let daemon: Daemon | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-e2e-auth-'));
    const port = await freePort();
    const conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(
      conf,
      `[supervisord]
logfile=${dir}/supervisord.log
childlogdir=${dir}
pidfile=${dir}/supervisord.pid

[inet_http_server]
port=127.0.0.1:${port}
username=${auth.username}
password=${auth.password}

[program:guarded]
command=sleep 1000
startsecs=0
`,
    );
    const [d] = await Promise.all([startPaddockd(conf, port), launch()]);
    daemon = d;
  }, 120_000);

  afterAll(async () => {
    await daemon?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('answers 401 without credentials, page and API alike', async () => {
    for (const p of ['/', '/index.html', '/api/snapshot', '/api/events']) {
      const r = await httpGet(daemon!.base + p);
      expect(r.status, p).toBe(401);
      expect(r.headers['www-authenticate'], p).toMatch(/^Basic /);
      expect(r.body, p).not.toContain('guarded');
    }
    const wrong = await httpGet(daemon!.base + '/api/snapshot', { ...auth, password: 'nope' });
    expect(wrong.status).toBe(401);
    const ok = await httpGet(daemon!.base + '/api/snapshot', auth);
    expect(ok.status).toBe(200);
    expect(ok.body).toContain('guarded');

    // A browser without credentials gets the 401 and no UI.
    const ctx = await (await launch()).newContext();
    try {
      const page = await ctx.newPage();
      const statuses: number[] = [];
      page.on('response', (r) => statuses.push(r.status()));
      // Headless Chromium has no login prompt: it either shows the 401 or fails the navigation.
      const res = await page.goto(daemon!.base + '/').catch((e: unknown) => e);
      if (res instanceof Error) expect(res.message).toContain('ERR_INVALID_AUTH_CREDENTIALS');
      else expect(statuses).toContain(401);
      expect(await page.locator('[data-testid="proc-guarded:guarded"]').count()).toBe(0);
    } finally {
      await ctx.close();
    }
  });

  it('loads the page and drives a process with httpCredentials', async () => {
    const ctx = await (
      await launch()
    ).newContext({
      httpCredentials: auth,
      viewport: { width: 1280, height: 720 },
    });
    try {
      const page = await ctx.newPage();
      page.on('pageerror', (e) => console.error('pageerror', e));
      const res = await page.goto(daemon!.base + '/');
      expect(res?.status()).toBe(200);
      // The live stream (EventSource) and the POSTs go through the same authentication.
      await waitFor(
        'guarded RUNNING',
        async () => (await badgeOf(page, 'guarded:guarded')) === 'RUNNING',
      );
      await page.click('[data-testid="proc-guarded:guarded"] [data-testid="stop"]');
      await waitFor(
        'guarded STOPPED',
        async () => (await badgeOf(page, 'guarded:guarded')) === 'STOPPED',
      );
    } finally {
      await ctx.close();
    }
  });

  it('leaves no child behind when the daemon is stopped', async () => {
    const d = daemon!;
    daemon = undefined;
    expect(await d.stop()).toEqual([]);
    expect(taggedPids(d.tag)).toEqual([]);
  });
});
