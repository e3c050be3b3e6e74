/**
 * Children SIGKILLed at seeded random moments while others are started and stopped through the
 * facade: every state ends right, every killed autorestart program is respawned (no restart
 * lost), and no child outlives the daemon's knowledge of it (no orphans).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { SupervisorError } from '../../../main/engine/model/faults.js';
import type { Supervisor } from '../../../main/engine/supervisor.js';
import { config, group, program, tempDir } from '../../helpers/config.js';
import { startSupervisor } from '../../helpers/engine.js';
import { FAULT_PROGRAMS, killTagged, newTag, prng, tagged, taggedEnv } from './_util.js';

const SEED = 0x5eed7;
const PROGRAMS = 8;
const STEPS = 70;

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

describe('fault: SIGKILL storm', () => {
  it(
    'random SIGKILLs during start/stop: states end right, no restart lost, no orphans',
    { timeout: 40_000 },
    async () => {
      const dir = tempDir('paddock-fault-storm-');
      const tag = newTag('storm');
      const names = Array.from({ length: PROGRAMS }, (_, i) => `w${i}`);
      const cmd = `${process.execPath} ${path.join(FAULT_PROGRAMS, 'ticker.cjs')} 500`;
      const { sup, rec } = await startSupervisor(
        config(
          dir,
          names.map((n) =>
            group(n, [program(n, cmd, { startsecs: 0, autorestart: true, stopwaitsecs: 5 })]),
          ),
        ),
        { environ: taggedEnv(tag) },
      );
      cleanup = async () => {
        await sup.shutdownAndWait();
        killTagged(tag);
        fs.rmSync(dir, { recursive: true, force: true });
      };
      const running = (n: string) => sup.getProcessInfo(n).statename === 'RUNNING';
      await rec.until(() => names.every(running), 'all RUNNING');

      const rnd = prng(SEED);
      /** What each program should end as, decided by the outcome of its last request. */
      const want = new Map(names.map((n) => [n, 'RUNNING']));
      /** Requests to one program are queued (as one operator would); programs run concurrently. */
      const queue = new Map(names.map((n) => [n, Promise.resolve()]));
      const enqueue = (n: string, op: () => Promise<void>) =>
        queue.set(n, (queue.get(n) as Promise<void>).then(op));
      let kills = 0;
      for (let step = 0; step < STEPS; step++) {
        const n = names[Math.floor(rnd() * names.length)] as string;
        const r = rnd();
        if (r < 0.5) {
          const pid = sup.getProcessInfo(n).pid;
          if (pid) {
            try {
              process.kill(pid, 'SIGKILL');
              kills++;
            } catch {
              /* just exited */
            }
          }
        } else if (r < 0.75) {
          enqueue(n, async () => {
            try {
              await sup.stopProcess(n, true);
              want.set(n, 'STOPPED');
            } catch (e) {
              if (!(e instanceof SupervisorError && e.faultName === 'NOT_RUNNING')) throw e;
              // not running: STOPPED stays stopped; EXITED (killed) will be restarted
              want.set(n, sup.getProcessInfo(n).statename === 'STOPPED' ? 'STOPPED' : 'RUNNING');
            }
          });
        } else {
          enqueue(n, async () => {
            try {
              await sup.startProcess(n, true);
            } catch (e) {
              if (!(e instanceof SupervisorError && e.faultName === 'ALREADY_STARTED')) throw e;
            }
            want.set(n, 'RUNNING');
          });
        }
        // a seeded pause so kills land in every phase (spawn, STARTING, STOPPING, EXITED)
        await new Promise((res) => setTimeout(res, Math.floor(rnd() * 40)));
      }
      const inflight = [...queue.values()];
      await Promise.all(inflight);
      expect(kills).toBeGreaterThan(10);

      // A kill can land between the last start request and its spawn: bring the wanted state
      // about the way an operator would (start what should run and is not), then settle.
      await rec.until(
        () =>
          names.every((n) => {
            const s = sup.getProcessInfo(n).statename;
            return s === 'RUNNING' || s === 'STOPPED' || s === 'EXITED';
          }),
        'states to settle',
      );
      const ended = Object.fromEntries(names.map((n) => [n, sup.getProcessInfo(n).statename]));
      // Programs last asked to stop are STOPPED; the others are RUNNING (autorestart brought
      // back every killed one, at most one pacing interval later).
      await rec.until(
        () => names.every((n) => sup.getProcessInfo(n).statename === want.get(n)),
        `states ${JSON.stringify(Object.fromEntries(want))} (were ${JSON.stringify(ended)})`,
        15_000,
      );

      await expectNoOrphans(sup, tag, names);
    },
  );
});

/** Every live tagged process is the pid the engine reports for a RUNNING program, and vice versa. */
export async function expectNoOrphans(sup: Supervisor, tag: string, names: string[]) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const reported = names
      .map((n) => sup.getProcessInfo(n))
      .filter((i) => i.statename === 'RUNNING')
      .map((i) => i.pid)
      .sort((a, b) => a - b);
    const live = tagged(tag)
      .map((p) => p.pid)
      .sort((a, b) => a - b);
    if (JSON.stringify(live) === JSON.stringify(reported) || Date.now() > deadline) {
      expect(live).toEqual(reported);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
