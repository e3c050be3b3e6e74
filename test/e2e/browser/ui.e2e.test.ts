/**
 * End-to-end: the real engine (Supervisor + HttpServer + UI handler, as paddockd wires them) with
 * real child programs, driven through Debian's Chromium by playwright-core.
 * Screenshots go to docs/screenshots/.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../main/engine/config/load.js';
import { createUiHandler, type UiHandler } from '../../../main/engine/http/ui-api.js';
import { HttpServer } from '../../../main/engine/rpc/http-server.js';
import { Supervisor } from '../../../main/engine/supervisor.js';

const ROOT = path.resolve(__dirname, '../../..');
const STATIC = path.join(ROOT, 'out/renderer');
const SHOTS = path.join(ROOT, 'docs/screenshots');
const CHROMIUM = '/usr/bin/chromium';
const haveUi = fs.existsSync(path.join(STATIC, 'index.html')) && fs.existsSync(CHROMIUM);

let dir: string;
let conf: string;
let sup: Supervisor;
let server: HttpServer;
let ui: UiHandler;
let browser: Browser;
let page: Page;
let base: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

function confText(port: number, extra = ''): string {
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

async function badgeOf(ns: string): Promise<string> {
  return (
    (await page.locator(`[data-testid="proc-${ns}"] [data-testid="badge"]`).textContent()) ?? ''
  );
}

async function waitFor(what: string, fn: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(!haveUi)('browser UI against the real engine', () => {
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
    const port = await freePort();
    conf = path.join(dir, 'supervisord.conf');
    fs.writeFileSync(conf, confText(port));
    const config = loadConfig(conf);
    sup = new Supervisor(config, { reload: () => loadConfig(conf) });
    await sup.start();
    server = new HttpServer({ facade: sup, config });
    ui = createUiHandler(sup, { staticDir: STATIC });
    server.addHandler(ui);
    await server.start();
    base = `http://127.0.0.1:${port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    page.on('pageerror', (e) => console.error('pageerror', e));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    ui?.close();
    await server?.close();
    await sup?.shutdownAndWait();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('shows the processes and starts/stops one from the UI', async () => {
    await page.goto(base + '/');
    await page.waitForSelector('[data-testid="proc-ticker:ticker"]');
    await waitFor('ticker RUNNING', async () => (await badgeOf('ticker:ticker')) === 'RUNNING');
    expect(await badgeOf('sleeper:sleeper')).toBe('STOPPED');
    await page.click('[data-testid="proc-sleeper:sleeper"] [data-testid="start"]');
    await waitFor('sleeper RUNNING', async () => (await badgeOf('sleeper:sleeper')) === 'RUNNING');
    expect(
      await page.isDisabled('[data-testid="proc-sleeper:sleeper"] [data-testid="start"]'),
    ).toBe(true);
    await page.screenshot({ path: path.join(SHOTS, 'processes.png') });
    await page.click('[data-testid="proc-sleeper:sleeper"] [data-testid="stop"]');
    await waitFor('sleeper STOPPED', async () => (await badgeOf('sleeper:sleeper')) === 'STOPPED');
  });

  it('shows a line the child printed in the log viewer, live', async () => {
    await page.click('[data-testid="proc-ticker:ticker"] .pname');
    await page.waitForSelector('[data-testid="log-lines"] .line');
    await waitFor('child line', async () =>
      (await page.locator('[data-testid="log-lines"]').innerText()).includes('hello-from-child'),
    );
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

  it('opens a 200 MB log instantly and finds a line in it', async () => {
    await page.click('[data-testid="proc-biglog:biglog"] .pname');
    await page.click('[data-testid="tab-logs"]');
    const t0 = Date.now();
    await waitFor('big log tail', async () =>
      (await page.locator('[data-testid="log-lines"]').innerText()).includes('handled in 3ms'),
    );
    const firstPaint = Date.now() - t0;
    const t1 = Date.now();
    await page.fill('[data-testid="log-search"]', 'needle-7f3a');
    await page.press('[data-testid="log-search"]', 'Enter');
    await waitFor(
      'needle line',
      async () =>
        (await page.locator('[data-testid="log-lines"]').innerText()).includes(
          'needle-7f3a the one line',
        ),
      60_000,
    );
    const searchMs = Date.now() - t1;
    expect(await page.textContent('[data-testid="match-count"]')).toBe('1/1');
    await page.screenshot({ path: path.join(SHOTS, 'log-search-200mb.png') });
    console.log(`200 MB log: first paint ${firstPaint} ms, whole-log search ${searchMs} ms`);
  });

  it('previews a config reload with the diff before applying it', async () => {
    const port = Number(new URL(base).port);
    fs.writeFileSync(
      conf,
      confText(port, `\n[program:added]\ncommand=sleep 1000\nautostart=false\n`).replace(
        'command=sleep 1000\nautostart=false\nstartsecs=0',
        'command=sleep 999\nautostart=false\nstartsecs=0',
      ),
    );
    await page.click('[data-testid="reload"]');
    await page.waitForSelector('[data-testid="reload-dialog"]');
    const text = await page.locator('[data-testid="reload-dialog"]').innerText();
    expect(text).toContain('+ added');
    expect(text).toContain('~ sleeper');
    await page.screenshot({ path: path.join(SHOTS, 'reload-preview.png') });
    await page.click('[data-testid="apply-reload"]');
    await page.waitForSelector('[data-testid="proc-added:added"]', { timeout: 20_000 });
  });
});
