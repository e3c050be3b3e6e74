import { describe, expect, it } from 'vitest';
import {
  Broadcaster,
  type BroadcastTarget,
  type FlushScheduler,
} from '../../../../main/ipc/broadcast.js';
import type { EventChannel, Events } from '../../../../preload/contract.js';
import { ProcessStates } from '../../../../main/engine/model/states.js';
import type { ProcessInfo } from '../../../../main/engine/model/types.js';

/** A scheduler the test fires by hand: no timers, no sleeps. */
function manualScheduler(): FlushScheduler & { fire(): void; scheduled: number } {
  let fn: (() => void) | null = null;
  const s = {
    scheduled: 0,
    schedule(f: () => void) {
      fn = f;
      s.scheduled++;
      return () => (fn = null);
    },
    fire() {
      const f = fn;
      fn = null;
      f?.();
    },
  };
  return s;
}

function target(id: number) {
  const got: { channel: EventChannel; payload: unknown }[] = [];
  let destroyed = false;
  const t: BroadcastTarget & { got: typeof got; destroy(): void } = {
    id,
    got,
    send: (channel, payload) => got.push({ channel, payload }),
    isDestroyed: () => destroyed,
    destroy: () => (destroyed = true),
  };
  return t;
}

function stateEvent(seq: number, name: string, state: number): Events['process:state'] {
  return {
    seq,
    transition: {
      at: seq,
      name,
      group: name,
      from: 0,
      to: state as 0,
      pid: 1,
      tries: 0,
      expected: null,
      exitstatus: null,
    },
    info: { name, group: name, state } as unknown as ProcessInfo,
  };
}

describe('Broadcaster', () => {
  it('coalesces a flood of log ticks to one message per subscription per flush', () => {
    const sched = manualScheduler();
    const b = new Broadcaster({ scheduler: sched });
    const t = target(1);
    b.addTarget(t, true);
    // What a child printing 100k lines/s could produce in one interval, and more.
    for (let i = 1; i <= 100_000; i++) {
      b.sendTo(1, 'log:tick', {
        id: 3,
        name: 'spew',
        stream: 'stdout',
        size: i * 100,
        generation: 'g',
      });
    }
    b.sendTo(1, 'log:tick', { id: 4, name: 'other', stream: 'stderr', size: 5, generation: 'g' });
    expect(t.got).toHaveLength(0);
    expect(sched.scheduled).toBe(1);
    sched.fire();
    expect(t.got).toEqual([
      {
        channel: 'log:tick',
        payload: { id: 3, name: 'spew', stream: 'stdout', size: 10_000_000, generation: 'g' },
      },
      {
        channel: 'log:tick',
        payload: { id: 4, name: 'other', stream: 'stderr', size: 5, generation: 'g' },
      },
    ]);
  });

  it('keeps the latest state per process, in order of last change; never drops supervisor/group events', () => {
    const sched = manualScheduler();
    const b = new Broadcaster({ scheduler: sched });
    const t = target(1);
    b.addTarget(t, true);
    b.broadcast('process:state', stateEvent(1, 'a', ProcessStates.STARTING));
    b.broadcast('process:state', stateEvent(2, 'b', ProcessStates.STARTING));
    b.broadcast('group:change', { seq: 3, action: 'added', group: 'c' });
    b.broadcast('group:change', { seq: 4, action: 'removed', group: 'd' });
    b.broadcast('process:state', stateEvent(5, 'a', ProcessStates.RUNNING));
    sched.fire();
    expect(t.got.map((g) => (g.payload as { seq: number }).seq)).toEqual([2, 3, 4, 5]);
  });

  it('queues until the window is ready, then delivers; a destroyed window is dropped', () => {
    const sched = manualScheduler();
    const b = new Broadcaster({ scheduler: sched });
    const t = target(1);
    b.addTarget(t);
    b.broadcast('supervisor:state', { seq: 1, state: 'RUNNING' });
    b.broadcast('stats:update', { at: 1, processes: {} });
    b.broadcast('stats:update', { at: 2, processes: {} });
    expect(t.got).toHaveLength(0);
    b.markReady(1);
    expect(t.got.map((g) => g.channel)).toEqual(['supervisor:state', 'stats:update']);
    expect((t.got[1]?.payload as { at: number }).at).toBe(2);
    t.destroy();
    b.broadcast('supervisor:state', { seq: 2, state: 'STOPPING' });
    sched.fire();
    expect(t.got).toHaveLength(2);
  });

  it('sends only to the addressed window and drops pushes with no window', () => {
    const sched = manualScheduler();
    const b = new Broadcaster({ scheduler: sched });
    b.broadcast('supervisor:state', { seq: 1, state: 'RUNNING' }); // no window: nothing scheduled
    expect(sched.scheduled).toBe(0);
    const t1 = target(1);
    const t2 = target(2);
    b.addTarget(t1, true);
    b.addTarget(t2, true);
    b.sendTo(2, 'stats:update', { at: 1, processes: {} });
    b.sendTo(9, 'stats:update', { at: 1, processes: {} });
    sched.fire();
    expect(t1.got).toHaveLength(0);
    expect(t2.got).toHaveLength(1);
  });

  it('bounds the queue of a window that never becomes ready', () => {
    const b = new Broadcaster({ scheduler: manualScheduler(), maxPending: 100 });
    const t = target(1);
    b.addTarget(t);
    for (let i = 0; i < 1000; i++)
      b.broadcast('group:change', { seq: i, action: 'added', group: `g${i}` });
    b.markReady(1);
    expect(t.got).toHaveLength(100);
    expect((t.got[0]?.payload as { seq: number }).seq).toBe(900);
  });

  it('flushes on its own timer with the real scheduler', async () => {
    const b = new Broadcaster({ intervalMs: 5 });
    const t = target(1);
    b.addTarget(t, true);
    b.broadcast('supervisor:state', { seq: 1, state: 'RUNNING' });
    await expect.poll(() => t.got.length).toBe(1);
    b.dispose();
  });
});
