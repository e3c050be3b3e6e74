import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { Broadcaster, type BroadcastTarget } from '../../../../main/ipc/broadcast.js';
import {
  dispatch,
  TrustedSenders,
  type Envelope,
  type SenderInfo,
} from '../../../../main/ipc/dispatch.js';
import { createIpcBridge, type IpcBridge } from '../../../../main/ipc/handlers.js';
import { INVOKE_CHANNELS } from '../../../../main/ipc/validators.js';
import { InvokeChannels, type EventChannel } from '../../../../preload/contract.js';
import type { Supervisor } from '../../../../main/engine/supervisor.js';
import { config, group, nodeCmd, program, tempDir } from '../../../helpers/config.js';
import { startSupervisor, type Recorder } from '../../../helpers/engine.js';

const WIN: SenderInfo = { id: 7, isMainFrame: true };
let dir: string;
let sup: Supervisor;
let rec: Recorder;
let bridge: IpcBridge;
let trusted: TrustedSenders;
const pushes: { channel: EventChannel; payload: unknown }[] = [];

beforeAll(async () => {
  dir = tempDir('paddock-ipc-');
  const cfg = config(dir, [
    group('web', [program('web', nodeCmd('forever.js'), { autostart: false, startsecs: 0 })]),
    group('workers', [
      program('w0', nodeCmd('forever.js'), {
        autostart: false,
        startsecs: 0,
        programName: 'workers',
      }),
    ]),
  ]);
  ({ sup, rec } = await startSupervisor(cfg));
  const broadcaster = new Broadcaster({ intervalMs: 5 });
  const target: BroadcastTarget = {
    id: WIN.id,
    send: (channel, payload) => pushes.push({ channel, payload }),
    isDestroyed: () => false,
  };
  broadcaster.addTarget(target, true);
  bridge = createIpcBridge(sup, broadcaster, { logPollMs: 20 });
  trusted = new TrustedSenders();
  trusted.add(WIN.id);
});

afterAll(async () => {
  bridge?.dispose();
  await sup?.shutdownAndWait();
  rmSync(dir, { recursive: true, force: true });
});

const call = (
  channel: string,
  args: unknown[],
  sender: SenderInfo = WIN,
): Promise<Envelope<unknown>> => dispatch(bridge.handlers, trusted, channel, sender, args);

describe('IPC dispatch (real engine behind it)', () => {
  it('has a handler and a schema for every contract channel', () => {
    expect(Object.keys(bridge.handlers).sort()).toEqual(Object.values(InvokeChannels).sort());
    expect([...INVOKE_CHANNELS].sort()).toEqual(Object.values(InvokeChannels).sort());
  });

  it('refuses an untrusted sender and a subframe, without calling the engine', async () => {
    for (const sender of [
      { id: 99, isMainFrame: true },
      { id: WIN.id, isMainFrame: false },
    ]) {
      const r = await call('process:start', ['web'], sender);
      expect(r).toMatchObject({ ok: false, error: { faultName: 'UNKNOWN_METHOD', code: 1 } });
    }
    expect(sup.getProcessInfo('web').statename).toBe('STOPPED');
  });

  it('refuses an unknown channel, including prototype keys', async () => {
    for (const ch of ['process:exec', 'toString', '__proto__', 'constructor']) {
      expect(await call(ch, [])).toMatchObject({
        ok: false,
        error: { faultName: 'UNKNOWN_METHOD' },
      });
    }
  });

  it.each([
    ['process:start', []],
    ['process:start', [42]],
    ['process:start', ['']],
    ['process:start', ['web', 'extra']],
    ['process:start', ['bad\u0000name']],
    ['process:start', ['workers:*']],
    ['process:signal', ['web', 'TERM; rm -rf /']],
    ['log:read', ['web', 'stdout', -1, 10]],
    ['log:read', ['web', 'stdout', 0, 64 * 1024 * 1024]],
    ['log:read', ['web', '/etc/passwd', 0, 10]],
    ['log:read', ['', 'stdout', 0, 10]],
    ['log:unsubscribe', ['1']],
    ['all:start', [{ wait: true }]],
    ['supervisor:snapshot', [null]],
  ])('%s %j → BAD_ARGUMENTS', async (channel, args) => {
    const r = await call(channel, args);
    expect(r).toMatchObject({ ok: false, error: { faultName: 'BAD_ARGUMENTS', code: 3 } });
    expect((r as { error: { message: string } }).error.message).toMatch(/^BAD_ARGUMENTS: /);
  });

  it('an unknown program is BAD_NAME, from the engine', async () => {
    expect(await call('process:start', ['nope'])).toEqual({
      ok: false,
      error: { faultName: 'BAD_NAME', code: 10, message: 'BAD_NAME: nope' },
    });
    expect(await call('group:stop', ['nope'])).toMatchObject({
      ok: false,
      error: { faultName: 'BAD_NAME' },
    });
    expect(await call('log:read', ['nope', 'stdout', 0, 10])).toMatchObject({
      ok: false,
      error: { faultName: 'BAD_NAME' },
    });
  });

  it('starts and stops a real process, pushing sequenced state events', async () => {
    const snap = (await call('supervisor:snapshot', [])) as Envelope<{
      seq: number;
      processes: unknown[];
    }>;
    expect(snap.ok).toBe(true);
    if (!snap.ok) return;
    expect(snap.value.processes).toHaveLength(2);

    expect(await call('process:start', ['web'])).toEqual({ ok: true, value: true });
    expect(sup.getProcessInfo('web').statename).toBe('RUNNING');
    expect(await call('process:start', ['web'])).toMatchObject({
      ok: false,
      error: { faultName: 'ALREADY_STARTED' },
    });
    expect(await call('process:restart', ['workers:w0'])).toEqual({ ok: true, value: true });
    expect(await call('process:stop', ['web'])).toEqual({ ok: true, value: true });
    expect(await call('process:stop', ['web'])).toMatchObject({
      ok: false,
      error: { faultName: 'NOT_RUNNING' },
    });
    await rec.untilState('web', 'STOPPED');

    await expect
      .poll(() =>
        pushes.some(
          (p) =>
            p.channel === 'process:state' &&
            (p.payload as { info: { statename: string; name: string } }).info.name === 'web' &&
            (p.payload as { info: { statename: string } }).info.statename === 'STOPPED',
        ),
      )
      .toBe(true);
    const seqs = pushes
      .filter((p) => p.channel === 'process:state')
      .map((p) => (p.payload as { seq: number }).seq);
    expect(seqs.every((s) => s > snap.value.seq)).toBe(true);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);

    const group = (await call('group:stop', ['workers'])) as Envelope<
      { name: string; description: string }[]
    >;
    expect(group).toMatchObject({ ok: true, value: [{ name: 'w0', description: 'OK' }] });
  });

  it('log subscriptions push ticks to their owner only and end with the window', async () => {
    await call('process:start', ['web']);
    const sub = (await call('log:subscribe', ['web', 'stdout'])) as Envelope<number>;
    expect(sub.ok).toBe(true);
    if (!sub.ok) return;
    expect(bridge.subscriptions).toBe(1);
    await expect
      .poll(() =>
        pushes.some(
          (p) =>
            p.channel === 'log:tick' &&
            (p.payload as { id: number; size: number }).id === sub.value &&
            (p.payload as { size: number }).size > 0,
        ),
      )
      .toBe(true);
    const slice = (await call('log:read', ['web', 'stdout', 0, 4096])) as Envelope<{
      data: string;
    }>;
    expect(slice.ok && Buffer.from(slice.value.data, 'base64').toString()).toMatch(
      /^forever \d+ web/,
    );
    // Another window cannot end it; its owner's departure does.
    trusted.add(8);
    await call('log:unsubscribe', [sub.value], { id: 8, isMainFrame: true });
    expect(bridge.subscriptions).toBe(1);
    bridge.dropSender(WIN.id);
    expect(bridge.subscriptions).toBe(0);
    await call('process:stop', ['web']);
  });
});
