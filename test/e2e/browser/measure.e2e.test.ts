/**
 * UI measurements on a real `paddockd` (numbers for docs/ui-measurements.md; no timing assertions).
 * Opt-in, because it writes a 1 GiB log and floods for 10 s:
 *
 *   PADDOCK_UI_MEASURE=1 npx vitest run test/e2e/browser/measure.e2e.test.ts
 *
 * Prints one JSON object with every figure (and writes it to $PADDOCK_UI_MEASURE_OUT if set).
 *  - 1 GiB log: click → first lines painted; jump to start; whole-log search; renderer JS heap.
 *  - A child printing 10,000 lines/s for 10 s in a followed log viewer: requestAnimationFrame
 *    count and gaps, long tasks, how far behind the viewer is when the child stops.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type CDPSession, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHROMIUM,
  CHROMIUM_ARGS,
  freePort,
  haveBuiltUi,
  startPaddockd,
  waitFor,
  type Daemon,
} from './paddockd.js';

const enabled = haveBuiltUi() && process.env.PADDOCK_UI_MEASURE === '1';
const RATE = 10_000;
const SECONDS = 10;

const results: Record<string, unknown> = {};

/** utime + stime of a process, in seconds (Linux /proc, USER_HZ = 100). */
function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
}

async function heap(cdp: CDPSession): Promise<{ usedMiB: number; totalMiB: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const h = await cdp.send('Runtime.getHeapUsage');
  const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  return { usedMiB: mib(h.usedSize), totalMiB: mib(h.totalSize) };
}

/** In the page: click `selector`, resolve with ms until `[log-lines] .line` containing `text` is painted. */
function clickToPaint(page: Page, selector: string, text: string): Promise<number> {
  return page.evaluate(
    async ([sel, want]) => {
      const raf = () => new Promise<number>((r) => requestAnimationFrame(r));
      const el = document.querySelector<HTMLElement>(sel);
      if (!el) throw new Error(`no ${sel}`);
      const t0 = performance.now();
      el.click();
      const deadline = t0 + 60_000;
      for (;;) {
        await raf();
        const box = document.querySelector('[data-testid="log-lines"]');
        if (box && [...box.querySelectorAll('.line')].some((l) => l.textContent?.includes(want)))
          break;
        if (performance.now() > deadline) throw new Error(`never painted ${want}`);
      }
      // The frame after the DOM change is the one that paints it.
      await raf();
      return Math.round(performance.now() - t0);
    },
    [selector, text] as const,
  );
}

describe.runIf(enabled)('UI measurements (1 GiB log, 10k lines/s)', () => {
  let dir: string;
  let daemon: Daemon | undefined;
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paddock-measure-'));
    // 1 GiB: a 1 MiB block of lines written 1024 times, with a needle at about 900 MiB.
    let block = '';
    for (let i = 0; block.length < 1024 * 1024; i++)
      block += `2026-11-24 10:00:00,000 INFO request ${i} handled in 3ms\n`;
    const buf = Buffer.from(block.slice(0, 1024 * 1024 - 1) + '\n');
    const t0 = Date.now();
    const fd = fs.openSync(path.join(dir, 'huge.log'), 'w');
    for (let mb = 0; mb < 1024; mb++) {
      if (mb === 900) fs.writeSync(fd, 'ERROR needle-1gib the one line we are looking for\n');
      fs.writeSync(fd, buf);
    }
    fs.closeSync(fd);
    results.generate1GiBMs = Date.now() - t0;
    results.hugeLogBytes = fs.statSync(path.join(dir, 'huge.log')).size;
    fs.writeFileSync(path.join(dir, 'flood.log'), '');
    fs.writeFileSync(
      path.join(dir, 'flood.js'),
      `const total = ${RATE * SECONDS}, rate = ${RATE};
const pad = 'x'.repeat(40);
let sent = 0;
const t0 = Date.now();
function pump() {
  const due = Math.min(total, Math.floor(((Date.now() - t0) * rate) / 1000));
  let s = '';
  for (; sent < due; sent++) s += 'flood line ' + sent + ' ' + pad + '\\n';
  if (s) process.stdout.write(s);
  if (sent < total) setTimeout(pump, 5);
  else process.stdout.write('FLOOD-DONE at ' + Date.now() + ' after ' + (Date.now() - t0) + ' ms\\n');
}
pump();
setInterval(() => {}, 60000);
`,
    );
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

[program:huge]
command=sleep 1000
autostart=false
stdout_logfile=${dir}/huge.log
stdout_logfile_maxbytes=0

[program:flood]
command=${process.execPath} ${dir}/flood.js
autostart=false
autorestart=false
startsecs=0
stdout_logfile=${dir}/flood.log
stdout_logfile_maxbytes=0
`,
    );
    daemon = await startPaddockd(conf, port);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 860 } });
    cdp = await page.context().newCDPSession(page);
    await page.goto(daemon.base + '/');
    await page.waitForSelector('[data-testid="proc-huge:huge"]');
    results.heapAfterLoad = await heap(cdp);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    const left = await daemon?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    const json = JSON.stringify(results, null, 2);
    console.log(`UI measurements:\n${json}`);
    if (process.env.PADDOCK_UI_MEASURE_OUT)
      fs.writeFileSync(process.env.PADDOCK_UI_MEASURE_OUT, json);
    expect(left ?? []).toEqual([]);
  }, 60_000);

  it('opens a 1 GiB log: first lines painted, jump to start, search, heap', async () => {
    results.openHugeToFirstPaintMs = await clickToPaint(
      page,
      '[data-testid="proc-huge:huge"] .pname',
      'handled in 3ms',
    );
    results.heapAfterOpenHuge = await heap(cdp);
    // Jump to the start of the 1 GiB log (a byte-range read at offset 0).
    results.jumpToStartMs = await clickToPaint(page, 'button[title="Jump to start"]', 'request 0 ');
    expect(await page.locator('.logpos').innerText()).toMatch(/^0 B/);
    // Whole-log search (host side, bounded chunks) and the jump to the match.
    const t0 = Date.now();
    await page.fill('[data-testid="log-search"]', 'needle-1gib');
    await page.press('[data-testid="log-search"]', 'Enter');
    await waitFor(
      'needle',
      async () =>
        (await page.locator('[data-testid="log-lines"]').innerText()).includes('needle-1gib'),
      120_000,
    );
    results.search1GiBMs = Date.now() - t0;
    expect(await page.textContent('[data-testid="match-count"]')).toBe('1/1');
    // Scroll up from the match 8 times: each reaches the top of the window, which loads the
    // previous 256 KiB byte range on demand. Time per load, until painted.
    results.scrollUpLoadEarlierMs = await page.evaluate(async () => {
      const raf = () => new Promise<number>((r) => requestAnimationFrame(r));
      const box = document.querySelector<HTMLElement>('[data-testid="log-lines"]')!;
      const times: number[] = [];
      for (let i = 0; i < 8; i++) {
        const before = box.scrollHeight;
        const t0 = performance.now();
        box.scrollTop = 0;
        box.dispatchEvent(new Event('scroll'));
        while (box.scrollHeight === before && performance.now() - t0 < 10_000) await raf();
        await raf();
        times.push(Math.round(performance.now() - t0));
      }
      return times;
    });
    results.windowAfterScrollUp = await page.locator('.logpos').innerText();
    results.heapAfterSearchAndScroll = await heap(cdp);
  }, 240_000);

  it('follows a child printing 10,000 lines/s for 10 s', async () => {
    await page.click('[data-testid="proc-flood:flood"] .pname');
    await page.waitForSelector('[data-testid="log-viewer"]');
    // Idle frame rate for comparison.
    const frames = (ms: number) =>
      page.evaluate(async (dur) => {
        const ts: number[] = [];
        // How often the followed viewer showed a new last line.
        const box = document.querySelector('[data-testid="log-lines"]');
        let last = '';
        let updates = 0;
        let donePaintedAt = 0;
        let longTasks = 0;
        let longTaskMs = 0;
        const po = new PerformanceObserver((l) => {
          for (const e of l.getEntries()) {
            longTasks++;
            longTaskMs += e.duration;
          }
        });
        po.observe({ type: 'longtask', buffered: false });
        await new Promise<void>((resolve) => {
          const t0 = performance.now();
          const loop = (t: number) => {
            ts.push(t);
            const lines = box?.querySelectorAll('.line');
            const now = lines?.[lines.length - 1]?.textContent ?? '';
            if (now !== last) {
              updates++;
              last = now;
              if (!donePaintedAt && now.includes('FLOOD-DONE')) donePaintedAt = Date.now();
            }
            if (t - t0 < dur) requestAnimationFrame(loop);
            else resolve();
          };
          requestAnimationFrame(loop);
        });
        po.disconnect();
        const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
        const span = ts[ts.length - 1]! - ts[0]!;
        return {
          frames: ts.length,
          fps: Math.round((ts.length - 1) / (span / 1000)),
          maxGapMs: Math.round(Math.max(...gaps)),
          gapsOver50ms: gaps.filter((g) => g > 50).length,
          gapsOver100ms: gaps.filter((g) => g > 100).length,
          longTasks,
          longTaskMs: Math.round(longTaskMs),
          viewerUpdates: updates,
          donePaintedAt,
        };
      }, ms);
    const { donePaintedAt: _unused, ...idle } = await frames(2000);
    results.idleFrames2s = idle;

    const cpu0 = cpuSeconds(daemon!.proc.pid!);
    const flood = frames(SECONDS * 1000 + 1000);
    const r = await page.evaluate(async () => {
      const res = await fetch('/api/processes/flood:flood/start', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      return res.status;
    });
    expect(r).toBe(200);
    const { donePaintedAt, ...floodFrames } = await flood;
    results.floodFrames = floodFrames;
    await waitFor(
      'FLOOD-DONE painted',
      async () =>
        (await page.locator('[data-testid="log-lines"]').innerText()).includes('FLOOD-DONE'),
      60_000,
    );
    results.daemonCpuSecondsDuringFlood =
      Math.round((cpuSeconds(daemon!.proc.pid!) - cpu0) * 100) / 100;
    const lines = await page.locator('[data-testid="log-lines"]').innerText();
    const done = /FLOOD-DONE at (\d+) after (\d+) ms/.exec(lines);
    results.floodChildMs = Number(done?.[2]);
    // From the child writing its last line to the viewer painting it (same clock).
    results.floodLastLineLagMs = donePaintedAt ? donePaintedAt - Number(done?.[1]) : null;
    results.floodLastLineVisible = lines.includes(`flood line ${RATE * SECONDS - 1} `);
    results.floodLogBytes = fs.statSync(path.join(dir, 'flood.log')).size;
    results.heapAfterFlood = await heap(cdp);
    results.domLinesAfterFlood = await page.locator('[data-testid="log-lines"] .line').count();
  }, 120_000);
});
