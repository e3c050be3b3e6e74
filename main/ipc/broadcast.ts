/**
 * Typed main → renderer pushes, the only way main sends events to a window.
 *
 * Each target (a window's webContents) has a ready flag and a pending queue. Pushes are
 * coalesced per key (the latest state of a process, the latest tick of a log subscription, the
 * latest stats sample) and flushed at most once per interval, so a child printing 100k lines/s or
 * a crash-looping group costs the renderer a bounded number of messages per second. Events for
 * a target that is not ready yet (still loading) wait in its queue; with no window, pushes are
 * dropped (the renderer loads a snapshot when it opens).
 */
import type { EventChannel, Events } from '../../preload/contract.js';

/** Where pushes go: a thin view of `WebContents` (tests use plain objects). */
export interface BroadcastTarget {
  id: number;
  send(channel: EventChannel, payload: unknown): void;
  isDestroyed(): boolean;
}

/** Timer seam (tests may drive flushes by hand with `flush()`). */
export interface FlushScheduler {
  schedule(fn: () => void, ms: number): () => void;
}

const realScheduler: FlushScheduler = {
  schedule(fn, ms) {
    const t = setTimeout(fn, ms);
    return () => clearTimeout(t);
  },
};

interface Pending {
  channel: EventChannel;
  payload: unknown;
}

interface TargetState {
  target: BroadcastTarget;
  ready: boolean;
  /** Insertion-ordered; a coalesced key is moved to the end when replaced. */
  pending: Map<string, Pending>;
}

/** The coalescing key of a push: equal keys replace each other within one flush interval. */
export function coalesceKey<C extends EventChannel>(
  channel: C,
  payload: Events[C],
  unique: number,
): string {
  switch (channel) {
    case 'process:state': {
      const t = (payload as Events['process:state']).transition;
      return `state:${t.group}:${t.name}`;
    }
    case 'log:tick':
      return `log:${(payload as Events['log:tick']).id}`;
    case 'stats:update':
      return 'stats';
    default:
      // supervisor:state and group:change are rare and each one matters.
      return `once:${unique}`;
  }
}

export class Broadcaster {
  private readonly targets = new Map<number, TargetState>();
  private cancelFlush: (() => void) | null = null;
  private counter = 0;
  /** Messages actually sent (for tests and diagnostics). */
  sent = 0;

  constructor(
    private readonly opts: {
      intervalMs?: number;
      maxPending?: number;
      scheduler?: FlushScheduler;
    } = {},
  ) {}

  private get intervalMs(): number {
    return this.opts.intervalMs ?? 50;
  }

  /** Registers a window; pushes queue up until `markReady`. */
  addTarget(target: BroadcastTarget, ready = false): void {
    this.targets.set(target.id, { target, ready, pending: new Map() });
  }

  removeTarget(id: number): void {
    this.targets.delete(id);
  }

  /** The renderer has loaded: deliver what waited. */
  markReady(id: number): void {
    const t = this.targets.get(id);
    if (!t || t.ready) return;
    t.ready = true;
    this.flushTarget(t);
  }

  /** Pushes an event to every window. */
  broadcast<C extends EventChannel>(channel: C, payload: Events[C]): void {
    for (const t of this.targets.values()) this.enqueue(t, channel, payload);
  }

  /** Pushes an event to one window (a subscription's owner); dropped if it is gone. */
  sendTo<C extends EventChannel>(id: number, channel: C, payload: Events[C]): void {
    const t = this.targets.get(id);
    if (t) this.enqueue(t, channel, payload);
  }

  private enqueue<C extends EventChannel>(t: TargetState, channel: C, payload: Events[C]): void {
    const key = coalesceKey(channel, payload, ++this.counter);
    t.pending.delete(key);
    t.pending.set(key, { channel, payload });
    const max = this.opts.maxPending ?? 10_000;
    // Only a never-ready window can get here; it will load a fresh snapshot anyway.
    while (t.pending.size > max) {
      const oldest = t.pending.keys().next().value;
      if (oldest === undefined) break;
      t.pending.delete(oldest);
    }
    if (t.ready && this.cancelFlush === null) {
      this.cancelFlush = (this.opts.scheduler ?? realScheduler).schedule(() => {
        this.cancelFlush = null;
        this.flush();
      }, this.intervalMs);
    }
  }

  private flushTarget(t: TargetState): void {
    if (t.target.isDestroyed()) {
      this.targets.delete(t.target.id);
      return;
    }
    const batch = [...t.pending.values()];
    t.pending.clear();
    for (const p of batch) {
      try {
        t.target.send(p.channel, p.payload);
        this.sent++;
      } catch {
        // The frame went away mid-flush; `destroyed` will remove the target.
      }
    }
  }

  /** Sends everything pending to ready targets now. */
  flush(): void {
    for (const t of [...this.targets.values()])
      if (t.ready && t.pending.size > 0) this.flushTarget(t);
  }

  /** Stops the flush timer (pending pushes are dropped). */
  dispose(): void {
    this.cancelFlush?.();
    this.cancelFlush = null;
    this.targets.clear();
  }
}
