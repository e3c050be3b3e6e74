/**
 * One converter per supervisord datatype (`supervisor/datatypes.py`), pure and synchronous.
 * Each throws ConversionError with supervisord's wording where it has its own.
 */
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { pyRepr, pyStrip } from './ini.js';
import type { AutoRestart, LogLevelName, LogTarget } from '../model/types.js';

export class ConversionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConversionError';
  }
}

const TRUTHY = ['yes', 'true', 'on', '1'];
const FALSY = ['no', 'false', 'off', '0'];

/** Python `int(s)` for base 10 (whitespace around, sign, `_` between digits). */
function pyInt(s: string, base = 10): number | null {
  let t = pyStrip(s);
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t[0] === '-') sign = -1;
    t = t.slice(1);
  }
  if (base === 8 && /^0[oO]/.test(t)) t = t.slice(2).replace(/^_/, '');
  const digit = base === 8 ? '[0-7]' : '[0-9]';
  if (!new RegExp(`^${digit}+(_${digit}+)*$`).test(t)) return null;
  return sign * parseInt(t.replace(/_/g, ''), base);
}

export function integer(value: string): number {
  const n = pyInt(value);
  if (n === null) throw new ConversionError(`expected an integer, got ${JSON.stringify(value)}`);
  return n;
}

export function boolean(value: string): boolean {
  const s = value.toLowerCase();
  if (TRUTHY.includes(s)) return true;
  if (FALSY.includes(s)) return false;
  throw new ConversionError(`not a valid boolean value: ${pyRepr(value)}`);
}

/** `byte_size`: integer with optional KB/MB/GB suffix (case-insensitive). */
export function byteSize(value: string): number {
  const v = value.toLowerCase();
  const suffixes: [string, number][] = [
    ['kb', 1024],
    ['mb', 1024 * 1024],
    ['gb', 1024 * 1024 * 1024],
  ];
  for (const [suffix, mult] of suffixes) {
    if (v.slice(-2) === suffix && v.length >= 2) {
      const n = pyInt(v.slice(0, -2));
      if (n === null) break;
      return n * mult;
    }
  }
  const n = pyInt(v);
  if (n === null) {
    throw new ConversionError(
      `expected a byte size (an integer with an optional KB, MB or GB suffix), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

export function octal(value: string): number {
  const n = pyInt(value, 8);
  if (n === null) throw new ConversionError(`${value} can not be converted to an octal type`);
  return n;
}

/** Signal names known to this platform, number → name without `SIG`. */
function signalTable(): Map<number, string> {
  const byNum = new Map<number, string>();
  const preferred = new Set(['SIGABRT', 'SIGCHLD', 'SIGIO']);
  for (const [name, num] of Object.entries(osConstants.signals)) {
    if (!byNum.has(num) || preferred.has(name)) byNum.set(num, name.slice(3));
  }
  return byNum;
}

/** `signal_number`; returns the canonical name without the SIG prefix (e.g. `TERM`). */
export function signalName(value: string): string {
  const table = signalTable();
  const num = pyInt(value);
  if (num !== null) {
    const name = table.get(num);
    if (name === undefined) {
      throw new ConversionError(`value ${pyRepr(value)} is not a valid signal number`);
    }
    return name;
  }
  let name = pyStrip(value).toUpperCase();
  if (!name.startsWith('SIG')) name = 'SIG' + name;
  const signals = osConstants.signals as Record<string, number | undefined>;
  const n = signals[name];
  if (n === undefined)
    throw new ConversionError(`value ${pyRepr(value)} is not a valid signal name`);
  return table.get(n) ?? name.slice(3);
}

export function listOfStrings(value: string): string[] {
  if (!value) return [];
  return value.split(',').map((x) => pyStrip(x));
}

export function listOfExitcodes(value: string): number[] {
  if (!value) return [];
  const out: number[] = [];
  for (const part of value.split(',')) {
    const n = pyInt(part);
    if (n === null || n < 0 || n > 255) {
      throw new ConversionError(`not a valid list of exit codes: ${pyRepr(value)}`);
    }
    out.push(n);
  }
  return out;
}

const SHLEX_WORDCHARS =
  'abcdfeghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_' + '/.+-():';
const SHLEX_WHITESPACE = ' \t\r\n';
const SHLEX_QUOTES = `'"`;

/** Python `list(shlex.shlex(s))` in non-POSIX mode with supervisord's extra wordchars. */
export function shlexTokens(s: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  const pushback: string[] = [];
  const readline = (): void => {
    while (i < s.length && s[i] !== '\n') i++;
    if (i < s.length) i++;
  };
  for (;;) {
    if (pushback.length > 0) {
      tokens.push(pushback.shift() as string);
      continue;
    }
    let state: string | null = ' ';
    let token = '';
    for (;;) {
      const ch = i < s.length ? (s[i++] as string) : '';
      if (state === ' ') {
        if (!ch) {
          state = null;
          break;
        } else if (SHLEX_WHITESPACE.includes(ch)) {
          if (token) break;
          continue;
        } else if (ch === '#') {
          readline();
        } else if (SHLEX_WORDCHARS.includes(ch)) {
          token = ch;
          state = 'a';
        } else if (SHLEX_QUOTES.includes(ch)) {
          token = ch;
          state = ch;
        } else {
          token = ch;
          break;
        }
      } else if (state === 'a') {
        if (!ch) {
          state = null;
          break;
        } else if (SHLEX_WHITESPACE.includes(ch)) {
          state = ' ';
          if (token) break;
          continue;
        } else if (ch === '#') {
          readline();
        } else if (SHLEX_WORDCHARS.includes(ch) || SHLEX_QUOTES.includes(ch)) {
          token += ch;
        } else {
          pushback.push(ch);
          state = ' ';
          if (token) break;
          continue;
        }
      } else {
        // inside quotes
        if (!ch) throw new ConversionError('No closing quotation');
        token += ch;
        if (ch === state) {
          state = ' ';
          break;
        }
      }
    }
    if (token === '') break; // eof
    tokens.push(token);
    if (state === null && pushback.length === 0) break;
  }
  return tokens;
}

function stripQuotes(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && SHLEX_QUOTES.includes(s[a] as string)) a++;
  while (b > a && SHLEX_QUOTES.includes(s[b - 1] as string)) b--;
  return s.slice(a, b);
}

/** `dict_of_key_value_pairs`: `KEY="v",K2=v2` (shlex-based, with supervisord's quirks). */
export function dictOfKeyValuePairs(value: string): Record<string, string> {
  const tokens = shlexTokens(value);
  const out: Record<string, string> = {};
  let i = 0;
  while (i < tokens.length) {
    const kv = tokens.slice(i, i + 3);
    if (kv.length !== 3 || kv[1] !== '=') {
      throw new ConversionError(`Unexpected end of key/value pairs in value '${value}'`);
    }
    out[kv[0] as string] = stripQuotes(kv[2] as string);
    i += 4;
  }
  return out;
}

/** `process_or_group_name`: stripped; no space, `:` or `/`. */
export function processOrGroupName(value: string): string {
  const s = pyStrip(value);
  for (const ch of [' ', ':', '/']) {
    if (s.includes(ch)) {
      throw new ConversionError(
        `Invalid name: ${pyRepr(value)} because of character: ${pyRepr(ch)}`,
      );
    }
  }
  return s;
}

export function autoRestart(value: string): AutoRestart {
  const v = value.toLowerCase();
  if (TRUTHY.includes(v)) return true;
  if (FALSY.includes(v)) return false;
  if (v === 'unexpected') return 'unexpected';
  throw new ConversionError(`invalid 'autorestart' value ${pyRepr(v)}`);
}

const LEVELS: LogLevelName[] = ['critical', 'error', 'warn', 'info', 'debug', 'trace', 'blather'];

export function loggingLevel(value: string): LogLevelName {
  const s = value.toLowerCase();
  const found = LEVELS.find((l) => l === s);
  if (!found) throw new ConversionError(`bad logging level name ${pyRepr(value)}`);
  return found;
}

/** `os.path.expanduser` for `~` and `~/…` (the `~user` form is left alone). */
export function expandUser(value: string, home: string | undefined): string {
  if (!value.startsWith('~')) return value;
  const slash = value.indexOf('/');
  const head = slash === -1 ? value : value.slice(0, slash);
  if (head !== '~' || home === undefined) return value;
  const rest = slash === -1 ? '' : value.slice(slash);
  const h = home.replace(/\/+$/, '') || '/';
  return h + rest;
}

/** `os.path.normpath(os.path.abspath(os.path.expanduser(v)))` relative to `cwd`. */
export function normalizePath(value: string, cwd: string, home: string | undefined): string {
  return path.resolve(cwd, expandUser(value, home));
}

/** The kind of `*_logfile` value: AUTO, none, syslog (deprecated) or a path. */
export function logfileName(value: string): LogTarget | { syslog: true } {
  const v = value.toLowerCase();
  if (v === 'none' || v === 'off') return null;
  if (v === 'auto') return 'AUTO';
  if (v === 'syslog') return { syslog: true };
  return value;
}

export function portNumber(value: string): number {
  const n = pyInt(value);
  if (n === null) throw new ConversionError(`expected an integer, got ${JSON.stringify(value)}`);
  if (n < 1) throw new ConversionError(`${n} is below lower bound (1)`);
  if (n > 0xffff) throw new ConversionError(`${n} is above upper bound (65535)`);
  return n;
}

/** `inet_address`: `host:port`, `:port`, `*:port` or `port` → [host ('' = all), port]. */
export function inetAddress(value: string): [string, number] {
  let host = '';
  let port: number;
  const colon = value.lastIndexOf(':');
  if (colon !== -1) {
    host = value.slice(0, colon);
    const p = value.slice(colon + 1);
    if (!p) throw new ConversionError(`no port number specified in ${pyRepr(p)}`);
    port = portNumber(p);
    host = host.toLowerCase();
  } else {
    try {
      port = portNumber(value);
    } catch {
      throw new ConversionError(`not a valid port number: ${pyRepr(value)} `);
    }
  }
  if (!host || host === '*') host = '';
  return [host, port];
}

/** `colon_separated_user_group`, syntax only (resolving names is the engine's job). */
export function userGroup(value: string): string {
  const parts = value.split(':');
  if (parts.length > 2 || parts.some((p) => p === '')) {
    throw new ConversionError(`Invalid user:group definition ${value}`);
  }
  return value;
}

/** Python `urlparse`-based `url()` check: a scheme plus a netloc or a path. */
export function url(value: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/.exec(value);
  if (m && (m[2] as string).length > 0) return value;
  throw new ConversionError(`value ${pyRepr(value)} is not a URL`);
}
