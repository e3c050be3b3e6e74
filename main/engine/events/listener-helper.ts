/**
 * Write supervisord / Paddock event listeners in Node: the equivalent of Python's
 * `supervisor.childutils` (`listener.wait/ok/fail`, `get_headers`, `eventdata`, `pcomm`).
 *
 *   import { EventListener } from 'paddock/listener';
 *   const listener = new EventListener();
 *   for (;;) {
 *     const event = await listener.next();      // writes READY, reads one event
 *     if (event.eventname === 'PROCESS_STATE_FATAL') notify(event.headers, event.payload);
 *     listener.ok();                            // or listener.fail() to have it sent again
 *   }
 *
 * This module imports only `node:` built-ins so it can be copied or bundled on its own.
 * Never write anything else to stdout in a listener: stdout is the protocol (log to stderr).
 */
import type { Readable, Writable } from 'node:stream';

export const READY_TOKEN = 'READY\n';
export const BEGIN_TOKEN = '<!--XSUPERVISOR:BEGIN-->';
export const END_TOKEN = '<!--XSUPERVISOR:END-->';

/** One event as a listener receives it. */
export interface ListenerEvent {
  /** The header line's tokens: ver, server, serial, pool, poolserial, eventname, len. */
  headers: Record<string, string>;
  /** The payload text (exactly `len` characters). */
  payload: string;
  eventname: string;
  serial: number;
  pool: string;
  poolserial: number;
}

/** childutils `get_headers`: `k:v k:v` tokens into an object. */
export function getHeaders(line: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tok of line.split(/\s+/)) {
    if (!tok) continue;
    const i = tok.indexOf(':');
    if (i === -1) throw new Error(`malformed token ${JSON.stringify(tok)}`);
    out[tok.slice(0, i)] = tok.slice(i + 1);
  }
  return out;
}

/**
 * childutils `eventdata`: split a payload with a first line of tokens and a body
 * (PROCESS_LOG_*, PROCESS_COMMUNICATION_*, REMOTE_COMMUNICATION, PROCESS_GROUP_*).
 * PROCESS_STATE_* and TICK_* payloads are one line of tokens: use `getHeaders(payload)`.
 */
export function eventData(payload: string): [Record<string, string>, string] {
  const i = payload.indexOf('\n');
  if (i === -1) return [getHeaders(payload), ''];
  return [getHeaders(payload.slice(0, i)), payload.slice(i + 1)];
}

/** Bytes of a UTF-8 sequence that starts with `lead`. */
function seqLength(lead: number): number {
  if (lead < 0x80) return 1;
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

/** Byte length of the first `chars` code points of `buf`, or -1 when `buf` holds fewer. */
function bytesForChars(buf: Buffer, from: number, chars: number): number {
  let pos = from;
  for (let n = 0; n < chars; n++) {
    if (pos >= buf.length) return -1;
    pos += seqLength(buf[pos] as number);
  }
  return pos > buf.length ? -1 : pos - from;
}

export interface EventListenerOptions {
  stdin?: Readable;
  stdout?: Writable;
}

/** The listener end of the protocol over stdin/stdout. */
export class EventListener {
  private readonly stdin: Readable;
  private readonly stdout: Writable;
  private buffer = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;
  private busy = false;

  constructor(opts: EventListenerOptions = {}) {
    this.stdin = opts.stdin ?? process.stdin;
    this.stdout = opts.stdout ?? process.stdout;
    this.stdin.on('data', (chunk: Buffer | string) => {
      this.buffer = Buffer.concat([
        this.buffer,
        typeof chunk === 'string' ? Buffer.from(chunk) : chunk,
      ]);
      this.wake?.();
    });
    this.stdin.on('end', () => {
      this.ended = true;
      this.wake?.();
    });
  }

  /** childutils `ready`: tell the supervisor we can take an event. */
  ready(): void {
    this.stdout.write(READY_TOKEN);
  }

  /** childutils `wait`: send READY and resolve with the next event. Rejects when stdin ends. */
  async next(): Promise<ListenerEvent> {
    if (this.busy)
      throw new Error('answer the previous event (ok/fail/send) before asking for the next one');
    this.ready();
    for (;;) {
      const event = this.parse();
      if (event) {
        this.busy = true;
        return event;
      }
      if (this.ended) throw new Error('stdin closed: the supervisor went away');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
  }

  /** The event was handled. */
  ok(): void {
    this.send('OK');
  }

  /** The event was not handled: the supervisor buffers it and sends it again. */
  fail(): void {
    this.send('FAIL');
  }

  /** childutils `send`: `RESULT <len>\n<data>`. */
  send(data: string): void {
    this.busy = false;
    this.stdout.write(`RESULT ${Buffer.byteLength(data)}\n${data}`);
  }

  /** Run `handler` for every event forever; a handler that throws or returns false fails the event. */
  async run(handler: (event: ListenerEvent) => unknown): Promise<never> {
    for (;;) {
      const event = await this.next();
      let ok: boolean;
      try {
        ok = (await handler(event)) !== false;
      } catch (e) {
        process.stderr.write(`listener: handler failed: ${String(e)}\n`);
        ok = false;
      }
      if (ok) this.ok();
      else this.fail();
    }
  }

  private parse(): ListenerEvent | null {
    const nl = this.buffer.indexOf(0x0a);
    if (nl === -1) return null;
    const headers = getHeaders(this.buffer.subarray(0, nl).toString('utf8'));
    const len = Number(headers.len ?? 'NaN');
    if (!Number.isInteger(len) || len < 0)
      throw new Error(`bad event header: ${JSON.stringify(headers)}`);
    // `len` counts characters (supervisord measures the payload as a Python str)
    const bytes = bytesForChars(this.buffer, nl + 1, len);
    if (bytes === -1) return null;
    const payload = this.buffer.subarray(nl + 1, nl + 1 + bytes).toString('utf8');
    this.buffer = this.buffer.subarray(nl + 1 + bytes);
    return {
      headers,
      payload,
      eventname: headers.eventname ?? '',
      serial: Number(headers.serial),
      pool: headers.pool ?? '',
      poolserial: Number(headers.poolserial),
    };
  }
}

/**
 * childutils `pcomm`: from a supervised program (not a listener), emit a
 * PROCESS_COMMUNICATION_STDOUT/STDERR event (needs `stdout_capture_maxbytes`/`stderr_capture_maxbytes`).
 */
export function sendCommunication(msg: string, stream: Writable = process.stdout): void {
  stream.write(`${BEGIN_TOKEN}${msg}${END_TOKEN}`);
}
