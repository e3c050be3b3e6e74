/**
 * supervisord's event types (`events.py` `EventTypes`): names, the subscription hierarchy,
 * and the exact payload and envelope text a listener receives.
 */
import { stateName } from '../model/states.js';
import type { EngineEvent } from '../model/types.js';

/** Concrete event type → its abstract parent (every type's root is EVENT). */
const PARENT: Readonly<Record<string, string>> = {
  PROCESS_STATE: 'EVENT',
  PROCESS_STATE_STOPPED: 'PROCESS_STATE',
  PROCESS_STATE_EXITED: 'PROCESS_STATE',
  PROCESS_STATE_STARTING: 'PROCESS_STATE',
  PROCESS_STATE_STOPPING: 'PROCESS_STATE',
  PROCESS_STATE_BACKOFF: 'PROCESS_STATE',
  PROCESS_STATE_FATAL: 'PROCESS_STATE',
  PROCESS_STATE_RUNNING: 'PROCESS_STATE',
  PROCESS_STATE_UNKNOWN: 'PROCESS_STATE',
  PROCESS_COMMUNICATION: 'EVENT',
  PROCESS_COMMUNICATION_STDOUT: 'PROCESS_COMMUNICATION',
  PROCESS_COMMUNICATION_STDERR: 'PROCESS_COMMUNICATION',
  PROCESS_LOG: 'EVENT',
  PROCESS_LOG_STDOUT: 'PROCESS_LOG',
  PROCESS_LOG_STDERR: 'PROCESS_LOG',
  REMOTE_COMMUNICATION: 'EVENT',
  SUPERVISOR_STATE_CHANGE: 'EVENT',
  SUPERVISOR_STATE_CHANGE_RUNNING: 'SUPERVISOR_STATE_CHANGE',
  SUPERVISOR_STATE_CHANGE_STOPPING: 'SUPERVISOR_STATE_CHANGE',
  TICK: 'EVENT',
  TICK_5: 'TICK',
  TICK_60: 'TICK',
  TICK_3600: 'TICK',
  PROCESS_GROUP: 'EVENT',
  PROCESS_GROUP_ADDED: 'PROCESS_GROUP',
  PROCESS_GROUP_REMOVED: 'PROCESS_GROUP',
};

/** Every name accepted in `events=` (abstract and concrete). */
export const EVENT_TYPE_NAMES: readonly string[] = ['EVENT', ...Object.keys(PARENT)];

/** Abstract types: subscribable, never sent. */
export const ABSTRACT_EVENT_TYPES: readonly string[] = [
  'EVENT',
  'PROCESS_STATE',
  'PROCESS_COMMUNICATION',
  'PROCESS_LOG',
  'SUPERVISOR_STATE_CHANGE',
  'TICK',
  'PROCESS_GROUP',
];

/** True when an event of type `name` is an instance of `subscribed` (Python's isinstance). */
export function isSubtype(name: string, subscribed: string): boolean {
  for (let t: string | undefined = name; t !== undefined; t = PARENT[t]) {
    if (t === subscribed) return true;
  }
  return false;
}

/** The supervisord event name of a bus event, or null for Paddock-only events. */
export function eventName(e: EngineEvent): string | null {
  switch (e.type) {
    case 'process-state':
      return `PROCESS_STATE_${stateName(e.transition.to)}`;
    case 'process-log':
      return e.channel === 'stdout' ? 'PROCESS_LOG_STDOUT' : 'PROCESS_LOG_STDERR';
    case 'process-communication':
      return e.channel === 'stdout'
        ? 'PROCESS_COMMUNICATION_STDOUT'
        : 'PROCESS_COMMUNICATION_STDERR';
    case 'remote-communication':
      return 'REMOTE_COMMUNICATION';
    case 'supervisor-state':
      return `SUPERVISOR_STATE_CHANGE_${e.state}`;
    case 'process-group':
      return e.action === 'added' ? 'PROCESS_GROUP_ADDED' : 'PROCESS_GROUP_REMOVED';
    case 'tick':
      return `TICK_${e.period}`;
    case 'listener-state':
      return null;
    default:
      return assertNever(e);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected event ${JSON.stringify(x)}`);
}

/** The payload text, exactly as supervisord's `payload()` renders it. */
export function eventPayload(e: EngineEvent): string {
  switch (e.type) {
    case 'process-state': {
      const t = e.transition;
      const tokens: [string, string | number][] = [
        ['processname', t.name],
        ['groupname', t.group],
        ['from_state', stateName(t.from)],
      ];
      const to = stateName(t.to);
      if (to === 'STARTING' || to === 'BACKOFF') tokens.push(['tries', t.tries]);
      else if (to === 'EXITED') tokens.push(['expected', t.expected ? 1 : 0], ['pid', t.pid]);
      else if (to === 'RUNNING' || to === 'STOPPING' || to === 'STOPPED')
        tokens.push(['pid', t.pid]);
      return tokens.map(([k, v]) => `${k}:${v}`).join(' ');
    }
    case 'process-log':
      return `processname:${e.name} groupname:${e.group} pid:${e.pid} channel:${e.channel}\n${pyDecode(e.data)}`;
    case 'process-communication':
      return `processname:${e.name} groupname:${e.group} pid:${e.pid}\n${pyDecode(e.data)}`;
    case 'remote-communication':
      return `type:${e.commType}\n${e.data}`;
    case 'supervisor-state':
      return '';
    case 'process-group':
      return `groupname:${e.group}\n`;
    case 'tick':
      return `when:${e.when}`;
    case 'listener-state':
      return '';
    default:
      return assertNever(e);
  }
}

export interface EnvelopeFields {
  identifier: string;
  serial: number;
  pool: string;
  poolSerial: number;
  eventName: string;
  payload: string;
}

/**
 * The header line and payload as bytes. `len` is the payload's length in characters
 * (code points), as Python's `len(str)`; the text is then sent UTF-8 encoded.
 */
export function envelope(f: EnvelopeFields): Buffer {
  const header =
    `ver:3.0 server:${f.identifier} serial:${f.serial} pool:${f.pool} ` +
    `poolserial:${f.poolSerial} eventname:${f.eventName} len:${codePointLength(f.payload)}\n`;
  return Buffer.from(header + f.payload, 'utf8');
}

export function codePointLength(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // a surrogate pair is one code point
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    n++;
  }
  return n;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** `as_string(data)`, or `Undecodable: b'...'` when the bytes are not valid UTF-8. */
export function pyDecode(data: Buffer): string {
  try {
    return STRICT_UTF8.decode(data);
  } catch {
    return `Undecodable: ${pyBytesRepr(data)}`;
  }
}

/** Python's `repr(bytes)`. */
export function pyBytesRepr(data: Buffer): string {
  const hasSingle = data.includes(0x27);
  const hasDouble = data.includes(0x22);
  const quote = hasSingle && !hasDouble ? '"' : "'";
  let out = `b${quote}`;
  for (const b of data) {
    if (b === quote.charCodeAt(0) || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}${quote}`;
}
