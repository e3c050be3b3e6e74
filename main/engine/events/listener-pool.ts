/**
 * Event-listener pools (supervisord's `EventListenerPool`) and the per-daemon event hub that owns
 * the global serial and the TICK timers. Pools read the one engine bus; they never see a second
 * event stream.
 */
import type { MainLogger } from '../logs/main-logger.js';
import {
  type EventListenerState,
  EventListenerStates as L,
  ProcessStates as S,
} from '../model/states.js';
import type { EngineEvent, GroupConfig } from '../model/types.js';
import type { Clock, TimerHandle } from '../process/clock.js';
import type { Subprocess } from '../process/subprocess.js';
import type { EventBus } from './bus.js';
import { ListenerProtocol } from './protocol.js';
import { envelope, eventName, eventPayload, isSubtype } from './types.js';

/** Python's `sys.maxsize` is beyond a double's integers; wrap where counting stays exact. */
const MAX_SERIAL = Number.MAX_SAFE_INTEGER;

/** The serials supervisord attaches to an event object the first time a pool accepts it. */
interface EventMeta {
  serial: number;
  poolSerials: Map<string, number>;
}

/** An event waiting in (or sent from) a pool's buffer. */
export interface PoolEvent {
  event: EngineEvent;
  name: string;
  meta: EventMeta;
}

export interface EventHubHost {
  bus: EventBus;
  clock: Clock;
  logger(): MainLogger;
  /** `[supervisord] identifier`: the `server:` token. */
  identifier(): string;
}

export interface PoolOptions {
  name: string;
  bufferSize: number;
  /** `events=` names, abstract or concrete. */
  events: readonly string[];
  processes: Iterable<Subprocess>;
}

export const TICK_PERIODS = [5, 60, 3600] as const;

/** supervisord's `timeslice`. */
export function timeslice(period: number, whenSeconds: number): number {
  return Math.trunc(whenSeconds - (whenSeconds % period));
}

export class EventHub {
  private globalSerial = -1;
  private readonly metas = new WeakMap<EngineEvent, EventMeta>();
  private tickTimer: TimerHandle | null = null;
  private readonly ticks = new Map<number, number>();

  constructor(readonly host: EventHubHost) {}

  /** The serials of a bus event, assigning the global one on first use (`new_serial(GlobalSerial)`). */
  meta(e: EngineEvent): EventMeta {
    let m = this.metas.get(e);
    if (!m) {
      this.globalSerial = this.globalSerial >= MAX_SERIAL ? 0 : this.globalSerial + 1;
      m = { serial: this.globalSerial, poolSerials: new Map() };
      this.metas.set(e, m);
    }
    return m;
  }

  createPool(opts: PoolOptions): EventListenerPool {
    return new EventListenerPool(this, opts);
  }

  /** The pool of an `[eventlistener:x]` group (null for other kinds). */
  poolFor(group: GroupConfig, processes: Iterable<Subprocess>): EventListenerPool | null {
    if (group.kind !== 'eventlistener') return null;
    const listener = group.processes[0]?.listener;
    return this.createPool({
      name: group.name,
      bufferSize: listener?.bufferSize ?? 10,
      events: listener?.events ?? [],
      processes,
    });
  }

  /** Start emitting TICK_5/60/3600 when each time slice rolls over (supervisord's `tick`). */
  startTicks(): void {
    if (this.tickTimer !== null) return;
    const now = this.host.clock.now() / 1000;
    for (const p of TICK_PERIODS) this.ticks.set(p, timeslice(p, now));
    this.armTick();
  }

  stopTicks(): void {
    if (this.tickTimer !== null) this.host.clock.clearTimeout(this.tickTimer);
    this.tickTimer = null;
    this.ticks.clear();
  }

  private armTick(): void {
    const nowMs = this.host.clock.now();
    const next = (timeslice(5, nowMs / 1000) + 5) * 1000;
    const timer = this.host.clock.setTimeout(() => {
      this.tickTimer = null;
      this.tick();
      this.armTick();
    }, next - nowMs);
    timer.unref?.();
    this.tickTimer = timer;
  }

  private tick(): void {
    const now = this.host.clock.now() / 1000;
    for (const period of TICK_PERIODS) {
      const last = this.ticks.get(period);
      const current = timeslice(period, now);
      if (last === undefined) {
        this.ticks.set(period, current);
      } else if (current !== last) {
        this.ticks.set(period, current);
        this.host.bus.emit({ type: 'tick', period, when: current });
      }
    }
  }
}

interface Member {
  proc: Subprocess;
  protocol: ListenerProtocol<PoolEvent>;
}

export class EventListenerPool {
  readonly name: string;
  readonly bufferSize: number;
  readonly events: readonly string[];
  /** Events waiting for a READY listener, oldest first. */
  readonly buffer: PoolEvent[] = [];
  private serial = -1;
  private readonly members: Member[] = [];
  private readonly unsubscribe: () => void;
  private dispatchPending: NodeJS.Immediate | null = null;
  private disposed = false;

  constructor(
    private readonly hub: EventHub,
    opts: PoolOptions,
  ) {
    this.name = opts.name;
    this.bufferSize = opts.bufferSize;
    this.events = [...opts.events];
    for (const proc of opts.processes) {
      const protocol = new ListenerProtocol<PoolEvent>(proc.name, {
        debug: (m) => this.logger.debug(m),
        warn: (m) => this.logger.warn(m),
        stateChanged: (_from, to) => this.listenerStateChanged(proc, to),
        rejected: (pe) => this.accept(pe.event, true),
      });
      proc.outputObserver = (channel, data) => {
        if (channel === 'stdout') protocol.feed(data);
      };
      this.members.push({ proc, protocol });
    }
    this.unsubscribe = hub.host.bus.subscribe((e) => this.onBusEvent(e));
  }

  private get logger(): MainLogger {
    return this.hub.host.logger();
  }

  /** The protocol state of one of this pool's listeners. */
  listenerState(procName: string): EventListenerState | null {
    return this.members.find((m) => m.proc.name === procName)?.protocol.state ?? null;
  }

  /** Stop reading the bus (`before_remove`). */
  dispose(): void {
    this.disposed = true;
    this.unsubscribe();
    if (this.dispatchPending) clearImmediate(this.dispatchPending);
    this.dispatchPending = null;
    for (const m of this.members) {
      if (m.proc.outputObserver) m.proc.outputObserver = null;
    }
  }

  private onBusEvent(e: EngineEvent): void {
    const name = eventName(e);
    if (name !== null) {
      // supervisord subscribes the pool once per `events=` entry: an event matching two entries
      // is accepted (and sent) twice.
      for (const sub of this.events) if (isSubtype(name, sub)) this.accept(e);
    }
    if (e.type === 'process-state')
      this.memberStateChanged(e.transition.name, e.transition.group, e.transition.to);
  }

  private memberStateChanged(procName: string, group: string, to: number): void {
    if (group !== this.name) return;
    const m = this.members.find((x) => x.proc.name === procName);
    if (!m) return;
    if (to === S.STARTING) {
      // a new process gets a fresh dispatcher in ACKNOWLEDGED
      m.protocol.reset();
    } else if (to === S.RUNNING) {
      this.scheduleDispatch();
    } else if (to === S.EXITED || to === S.STOPPED || to === S.BACKOFF) {
      // died before it processed its event: EventRejectedEvent, rebuffered at the head
      const pe = m.protocol.takeEvent();
      if (pe !== null) this.accept(pe.event, true);
    }
  }

  private listenerStateChanged(proc: Subprocess, to: EventListenerState): void {
    if (this.disposed) return;
    this.hub.host.bus.emit({
      type: 'listener-state',
      name: proc.name,
      group: this.name,
      state: to,
    });
    if (to === L.READY) this.scheduleDispatch();
  }

  /** supervisord's `_acceptEvent`. */
  accept(event: EngineEvent, head = false): void {
    const name = eventName(event);
    if (name === null) return;
    const meta = this.hub.meta(event);
    if (!meta.poolSerials.has(this.name)) {
      this.serial = this.serial >= MAX_SERIAL ? 0 : this.serial + 1;
      meta.poolSerials.set(this.name, this.serial);
    } else {
      this.logger.debug(
        `rebuffering event ${meta.serial} for pool ${this.name} (buf size=${this.buffer.length}, max=${this.bufferSize})`,
      );
    }
    if (this.buffer.length >= this.bufferSize) {
      const discarded = this.buffer.shift();
      if (discarded) {
        this.logger.error(
          `pool ${this.name} event buffer overflowed, discarding event ${discarded.meta.serial}`,
        );
      }
    }
    const pe: PoolEvent = { event, name, meta };
    if (head) this.buffer.unshift(pe);
    else this.buffer.push(pe);
    this.scheduleDispatch();
  }

  private scheduleDispatch(): void {
    if (this.dispatchPending || this.disposed) return;
    this.dispatchPending = setImmediate(() => {
      this.dispatchPending = null;
      this.dispatch();
    });
  }

  /** Send the oldest events to READY listeners until none is left (supervisord's `dispatch`). */
  dispatch(): void {
    while (this.buffer.length) {
      const pe = this.buffer[0] as PoolEvent;
      if (!this.dispatchOne(pe)) break;
      this.buffer.shift();
    }
  }

  private dispatchOne(pe: PoolEvent): boolean {
    const poolSerial = pe.meta.poolSerials.get(this.name) ?? 0;
    for (const m of this.members) {
      if (m.proc.state !== S.RUNNING || m.protocol.state !== L.READY) continue;
      const bytes = envelope({
        identifier: this.hub.host.identifier(),
        serial: pe.meta.serial,
        pool: this.name,
        poolSerial,
        eventName: pe.name,
        payload: eventPayload(pe.event),
      });
      const r = m.proc.writeStdin(bytes);
      if (r !== 'ok') {
        this.logger.debug(
          `epipe occurred while sending event ${pe.meta.serial} to listener ${m.proc.name}, listener state unchanged`,
        );
        continue;
      }
      m.protocol.sent(pe);
      this.logger.debug(`event ${pe.meta.serial} sent to listener ${m.proc.name}`);
      return true;
    }
    return false;
  }
}
