/**
 * A child printing as fast as the pipe takes it must not flood the renderer: with a log
 * subscription open, the window receives a bounded number of messages per second.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { Broadcaster } from '../../../../main/ipc/broadcast.js';
import { createIpcBridge } from '../../../../main/ipc/handlers.js';
import type { Supervisor } from '../../../../main/engine/supervisor.js';
import { config, group, nodeCmd, program, tempDir } from '../../../helpers/config.js';
import { startSupervisor } from '../../../helpers/engine.js';

const dir = tempDir('paddock-flood-');
let sup: Supervisor | undefined;
afterAll(async () => {
  await sup?.shutdownAndWait();
  rmSync(dir, { recursive: true, force: true });
});

describe('push coalescing under a log flood', () => {
  it('a child printing 300k lines costs the window a few messages per 50 ms, and the last tick has the full size', async () => {
    const LINES = 300_000;
    const cfg = config(dir, [
      group('spew', [
        program('spew', nodeCmd('spew.js', LINES, 40), {
          autostart: false,
          startsecs: 0,
          autorestart: false,
          stdout: { logfileMaxbytes: 0 },
        }),
      ]),
    ]);
    const started = await startSupervisor(cfg);
    sup = started.sup;
    const broadcaster = new Broadcaster({ intervalMs: 50 });
    const got: { channel: string; at: number; size?: number }[] = [];
    broadcaster.addTarget(
      {
        id: 1,
        isDestroyed: () => false,
        send: (channel, payload) =>
          got.push({ channel, at: Date.now(), size: (payload as { size?: number }).size }),
      },
      true,
    );
    const bridge = createIpcBridge(sup, broadcaster, { logPollMs: 20 });
    const self = { id: 1, isMainFrame: true };
    await bridge.handlers['log:subscribe'](self, 'spew', 'stdout');
    const t0 = Date.now();
    await bridge.handlers['process:start'](self, 'spew');
    await started.rec.untilState('spew', 'EXITED', 60_000);
    const expectedSize = LINES * (9 + 1 + 40 + 1);
    await expect
      .poll(() => got.filter((g) => g.channel === 'log:tick').at(-1)?.size, { timeout: 10_000 })
      .toBe(expectedSize);
    const seconds = Math.max(0.05, (Date.now() - t0) / 1000);
    const perSecond = got.length / seconds;
    console.info(
      `flood: ${LINES} lines (${(expectedSize / 1e6).toFixed(1)} MB) in ${seconds.toFixed(2)} s ` +
        `(${Math.round(LINES / seconds)} lines/s) → ${got.length} messages to the window (${perSecond.toFixed(1)}/s)`,
    );
    // One flush per 50 ms carries at most one tick and one state push per process.
    expect(got.length).toBeLessThanOrEqual(Math.ceil(seconds / 0.05) * 2 + 5);
    bridge.dispose();
    broadcaster.dispose();
  });
});
