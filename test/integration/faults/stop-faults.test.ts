/**
 * Stopping children that do not cooperate: a SIGSTOPped child (TERM stays pending) is SIGKILLed
 * after stopwaitsecs; a grandchild left behind by a child that exited is stopped with the group.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import type { Config } from '../../../main/engine/model/types.js';
import { config, group, program, tempDir } from '../../helpers/config.js';
import { eventually, logContains, startSupervisor } from '../../helpers/engine.js';
import { alive, FAULT_PROGRAMS, killTagged, newTag, taggedEnv } from './_util.js';

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function boot(groups: Config['groups'], tag: string) {
  const dir = tempDir('paddock-fault-stop-');
  const r = await startSupervisor(config(dir, groups), { environ: taggedEnv(tag) });
  cleanup = async () => {
    await r.sup.shutdownAndWait();
    killTagged(tag);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return r;
}

const forker = (mode: 'exit' | 'stay') =>
  `${process.execPath} ${path.join(FAULT_PROGRAMS, 'forker.cjs')} ${mode}`;

describe('fault: uncooperative children', () => {
  it('a SIGSTOPped child is SIGKILLed after stopwaitsecs', async () => {
    const tag = newTag('sigstop');
    const { sup, rec } = await boot(
      [
        group('frozen', [
          program('frozen', `${process.execPath} -e "setInterval(()=>{},1<<30)"`, {
            startsecs: 0,
            stopwaitsecs: 1,
          }),
        ]),
      ],
      tag,
    );
    await rec.untilState('frozen', 'RUNNING');
    const pid = sup.getProcessInfo('frozen').pid;
    process.kill(pid, 'SIGSTOP');
    const t0 = Date.now();
    await sup.stopProcess('frozen', true);
    const took = Date.now() - t0;
    expect(sup.getProcessInfo('frozen').statename).toBe('STOPPED');
    // TERM cannot be delivered to a stopped process: only the SIGKILL escalation ends it
    expect(took).toBeGreaterThanOrEqual(900);
    expect(took).toBeLessThan(15_000);
    expect(sup.findProcess('frozen')?.forcedKill).toBe(true);
    expect(rec.path('frozen').slice(-2)).toEqual(['RUNNING>STOPPING', 'STOPPING>STOPPED']);
    expect(alive(pid)).toBe(false);
  });

  it('stopasgroup: a running child and its grandchild are both stopped', async () => {
    const tag = newTag('gc-stay');
    const { sup, rec } = await boot(
      [
        group('tree', [
          program('tree', forker('stay'), { startsecs: 0, stopasgroup: true, killasgroup: true }),
        ]),
      ],
      tag,
    );
    await rec.untilState('tree', 'RUNNING');
    const gc = Number(
      /grandchild (\d+)/.exec(await logContains(sup, 'tree', /grandchild \d+/))?.[1],
    );
    expect(alive(gc)).toBe(true);
    await sup.stopProcess('tree', true);
    await eventually(() => !alive(gc), 'grandchild to be gone', 5000);
  });

  // B7-1 (fixed in 74bd82f): a grandchild left in the process group of an exited child used to
  // outlive paddockd; the group is now found and stopped with the program.
  it('a child that forked a grandchild and exited: the grandchild is stopped with the group', async () => {
    const tag = newTag('gc-exit');
    const { sup, rec } = await boot(
      [
        group('leaver', [
          program('leaver', forker('exit'), {
            startsecs: 0,
            autorestart: false,
            stopasgroup: true,
            killasgroup: true,
          }),
        ]),
      ],
      tag,
    );
    const text = await logContains(sup, 'leaver', /grandchild \d+/);
    const gc = Number(/grandchild (\d+)/.exec(text)?.[1]);
    await rec.untilState('leaver', 'EXITED');
    expect(alive(gc)).toBe(true);
    await sup.stopProcessGroup('leaver', true);
    await sup.shutdownAndWait();
    // bounded wait: the grandchild must be gone once the daemon has shut down
    await eventually(() => !alive(gc), 'grandchild to be stopped with the group', 3000);
  });
});
