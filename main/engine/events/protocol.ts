/**
 * The listener side of the event-listener protocol as supervisord reads it from a listener's
 * stdout (`PEventListenerDispatcher.handle_listener_state_change`): `READY\n`, then after an event
 * `RESULT <len>\n<result>`.
 */
import { type EventListenerState, EventListenerStates as L } from '../model/states.js';

export const READY_TOKEN = Buffer.from('READY\n');
export const RESULT_TOKEN_START = Buffer.from('RESULT ');

const NAMES: Record<EventListenerState, string> = {
  [L.READY]: 'READY',
  [L.BUSY]: 'BUSY',
  [L.ACKNOWLEDGED]: 'ACKNOWLEDGED',
  [L.UNKNOWN]: 'UNKNOWN',
};

export function listenerStateName(s: EventListenerState): string {
  return NAMES[s];
}

export interface ProtocolHooks<E> {
  debug(msg: string): void;
  warn(msg: string): void;
  /** Called after every listener state change. */
  stateChanged(from: EventListenerState, to: EventListenerState): void;
  /** The in-flight event must be sent again (rejected, or the listener broke the protocol). */
  rejected(event: E): void;
}

/** supervisord's `default_handler`: anything but `OK` rejects the event. */
export function defaultResultHandler(result: Buffer): boolean {
  return result.equals(Buffer.from('OK'));
}

/** One listener process's protocol state; `E` is whatever the pool sends. */
export class ListenerProtocol<E> {
  state: EventListenerState = L.ACKNOWLEDGED;
  /** The event the listener is processing (BUSY), else null. */
  event: E | null = null;
  private buffer = Buffer.alloc(0);
  private result = Buffer.alloc(0);
  private resultlen: number | null = null;

  constructor(
    private readonly procname: string,
    private readonly hooks: ProtocolHooks<E>,
  ) {}

  /** A new process was spawned: supervisord makes a fresh dispatcher in ACKNOWLEDGED. */
  reset(): void {
    this.buffer = Buffer.alloc(0);
    this.result = Buffer.alloc(0);
    this.resultlen = null;
    this.event = null;
    if (this.state !== L.ACKNOWLEDGED) this.changeState(L.ACKNOWLEDGED);
  }

  /** The pool wrote `event` to the listener's stdin. */
  sent(event: E): void {
    this.state = L.BUSY;
    this.hooks.stateChanged(L.READY, L.BUSY);
    this.event = event;
  }

  /** Take the in-flight event away (the listener died); returns it for rebuffering. */
  takeEvent(): E | null {
    const e = this.event;
    this.event = null;
    return e;
  }

  feed(data: Buffer): void {
    if (data.length) this.buffer = Buffer.concat([this.buffer, data]);
    this.handle();
  }

  private handle(): void {
    for (;;) {
      const data = this.buffer;
      if (!data.length) return;
      if (this.state === L.UNKNOWN) {
        this.buffer = Buffer.alloc(0);
        return;
      }
      if (this.state === L.ACKNOWLEDGED) {
        if (data.length < READY_TOKEN.length) return;
        if (data.subarray(0, READY_TOKEN.length).equals(READY_TOKEN)) {
          this.changeState(L.READY);
          this.buffer = data.subarray(READY_TOKEN.length);
          this.event = null;
        } else {
          this.changeState(L.UNKNOWN);
          this.buffer = Buffer.alloc(0);
          this.event = null;
        }
        continue;
      }
      if (this.state === L.READY) {
        // spurious data while READY: be strict about it
        this.changeState(L.UNKNOWN);
        this.buffer = Buffer.alloc(0);
        this.event = null;
        return;
      }
      // BUSY
      if (this.resultlen === null) {
        const pos = data.indexOf(0x0a);
        if (pos === -1) return;
        const line = data.subarray(0, pos);
        this.buffer = data.subarray(pos + 1);
        const n = pyInt(line.subarray(RESULT_TOKEN_START.length).toString('latin1'));
        if (n === null) {
          this.hooks.warn(`${this.procname}: bad result line: '${line.toString('utf8')}'`);
          this.changeState(L.UNKNOWN);
          this.buffer = Buffer.alloc(0);
          const e = this.takeEvent();
          if (e !== null) this.hooks.rejected(e);
          return;
        }
        this.resultlen = n;
      } else {
        let needed = this.resultlen - this.result.length;
        if (needed > 0) {
          this.result = Buffer.concat([this.result, data.subarray(0, needed)]);
          this.buffer = data.subarray(needed);
          needed = this.resultlen - this.result.length;
        }
        if (needed <= 0) {
          this.handleResult(this.result);
          this.event = null;
          this.result = Buffer.alloc(0);
          this.resultlen = null;
        } else {
          return;
        }
      }
    }
  }

  private handleResult(result: Buffer): void {
    if (defaultResultHandler(result)) {
      this.hooks.debug(`${this.procname}: event was processed`);
      this.changeState(L.ACKNOWLEDGED);
    } else {
      this.hooks.warn(`${this.procname}: event was rejected`);
      this.changeState(L.ACKNOWLEDGED);
      const e = this.takeEvent();
      if (e !== null) this.hooks.rejected(e);
    }
  }

  private changeState(to: EventListenerState): void {
    const from = this.state;
    this.hooks.debug(`${this.procname}: ${NAMES[from]} -> ${NAMES[to]}`);
    this.state = to;
    if (to === L.UNKNOWN) {
      this.hooks.warn(
        `${this.procname}: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol`,
      );
    }
    this.hooks.stateChanged(from, to);
  }
}

/** Python's `int()` of a bytes string: optional whitespace and sign, decimal digits (underscores allowed between). */
function pyInt(s: string): number | null {
  const m = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(s);
  if (!m) return null;
  const n = Number((m[2] ?? '').replace(/_/g, ''));
  return m[1] === '-' ? -n : n;
}
