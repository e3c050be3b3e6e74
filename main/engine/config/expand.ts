/**
 * supervisord's `expand(s, expansions, name)`: Python `s % expansions` with a mapping, i.e.
 * `%(name)s`, `%(name)02d`, `%%`, with supervisord's error wording. Pure.
 */
import { pyRepr } from './ini.js';

export type ExpansionValue = string | number;
export type Expansions = Record<string, ExpansionValue>;

export class ExpansionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpansionError';
  }
}

class BadFormat extends Error {}
class MissingKey extends Error {
  constructor(readonly key: string) {
    super(key);
  }
}

const CONVERSIONS = 'diouxXeEfFgGcrsa%';

function pyTypeName(v: ExpansionValue): string {
  return typeof v === 'number' ? 'int' : 'str';
}

function formatOne(
  value: ExpansionValue,
  flags: string,
  width: number | null,
  precision: number | null,
  conv: string,
): string {
  const left = flags.includes('-');
  const zero = flags.includes('0') && !left;
  const plus = flags.includes('+');
  const space = flags.includes(' ');
  const alt = flags.includes('#');
  let body: string;
  let numeric = false;
  let sign = '';
  switch (conv) {
    case 's':
      body = String(value);
      if (precision !== null) body = body.slice(0, precision);
      break;
    case 'r':
    case 'a':
      body = typeof value === 'number' ? String(value) : pyRepr(value);
      if (precision !== null) body = body.slice(0, precision);
      break;
    case 'c':
      if (typeof value === 'number') body = String.fromCodePoint(value);
      else if ([...value].length === 1) body = value;
      else throw new BadFormat('%c requires int or char');
      break;
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X': {
      if (typeof value !== 'number') {
        const what = conv === 'd' || conv === 'i' || conv === 'u' ? 'a real number' : 'an integer';
        throw new BadFormat(`%${conv} format: ${what} is required, not ${pyTypeName(value)}`);
      }
      numeric = true;
      const n = Math.trunc(value);
      if (n < 0) sign = '-';
      else if (plus) sign = '+';
      else if (space) sign = ' ';
      const abs = Math.abs(n);
      if (conv === 'o') body = (alt ? '0o' : '') + abs.toString(8);
      else if (conv === 'x') body = (alt ? '0x' : '') + abs.toString(16);
      else if (conv === 'X') body = (alt ? '0X' : '') + abs.toString(16).toUpperCase();
      else body = String(abs);
      if (precision !== null && body.length < precision) body = body.padStart(precision, '0');
      break;
    }
    case 'f':
    case 'F': {
      if (typeof value !== 'number') {
        throw new BadFormat(`must be real number, not ${pyTypeName(value)}`);
      }
      numeric = true;
      if (value < 0) sign = '-';
      else if (plus) sign = '+';
      else if (space) sign = ' ';
      body = Math.abs(value).toFixed(precision ?? 6);
      break;
    }
    default:
      // e, E, g, G: valid in Python but never useful in a supervisord config.
      throw new BadFormat(`paddock does not support the %${conv} conversion`);
  }
  let out = sign + body;
  if (width !== null && out.length < width) {
    if (left) out = out.padEnd(width, ' ');
    else if (zero && numeric) out = sign + body.padStart(width - sign.length, '0');
    else out = out.padStart(width, ' ');
  }
  return out;
}

function interpolate(s: string, expansions: Expansions): string {
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    const pct = s.indexOf('%', i);
    if (pct === -1) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, pct);
    i = pct + 1;
    if (i >= n) throw new BadFormat('incomplete format');
    let value: ExpansionValue | null = null;
    let hasKey = false;
    if (s[i] === '(') {
      // Python counts nested parentheses in the key.
      let depth = 1;
      const start = i + 1;
      i++;
      while (i < n && depth > 0) {
        if (s[i] === '(') depth++;
        else if (s[i] === ')') depth--;
        i++;
      }
      if (depth > 0) throw new BadFormat('incomplete format key');
      const key = s.slice(start, i - 1);
      if (!Object.prototype.hasOwnProperty.call(expansions, key)) throw new MissingKey(key);
      value = expansions[key] as ExpansionValue;
      hasKey = true;
    }
    let flags = '';
    while (i < n && '-+ #0'.includes(s[i] as string)) flags += s[i++];
    let width: number | null = null;
    if (s[i] === '*') throw new BadFormat('* wants int');
    let digits = '';
    while (i < n && /[0-9]/.test(s[i] as string)) digits += s[i++];
    if (digits) width = Number(digits);
    let precision: number | null = null;
    if (s[i] === '.') {
      i++;
      if (s[i] === '*') throw new BadFormat('* wants int');
      let pd = '';
      while (i < n && /[0-9]/.test(s[i] as string)) pd += s[i++];
      precision = pd ? Number(pd) : 0;
    }
    while (i < n && 'hlL'.includes(s[i] as string)) i++;
    if (i >= n) throw new BadFormat('incomplete format');
    const conv = s[i] as string;
    const at = i;
    i++;
    if (conv === '%') {
      out += '%';
      continue;
    }
    if (!CONVERSIONS.includes(conv)) {
      const code = conv.codePointAt(0) as number;
      throw new BadFormat(
        `unsupported format character ${pyRepr(conv)} (0x${code.toString(16)}) at index ${at}`,
      );
    }
    if (!hasKey) {
      // Python would format the whole expansion dict here; that is never what was meant.
      throw new BadFormat(
        'format requires a mapping key, e.g. %(name)s (write %% for a literal %)',
      );
    }
    out += formatOne(value as ExpansionValue, flags, width, precision, conv);
  }
  return out;
}

/**
 * `expand(s, expansions, name)` from supervisord's options.py. Throws ExpansionError with
 * supervisord's message when a name is unknown or the format is bad.
 */
export function expand(s: string, expansions: Expansions, name: string): string {
  try {
    return interpolate(s, expansions);
  } catch (e) {
    if (e instanceof MissingKey) {
      const available = Object.keys(expansions).sort();
      throw new ExpansionError(
        `Format string ${pyRepr(s)} for ${pyRepr(name)} contains names (${pyRepr(e.key)}) ` +
          `which cannot be expanded. Available names: ${available.join(', ')}`,
      );
    }
    if (e instanceof BadFormat) {
      throw new ExpansionError(
        `Format string ${pyRepr(s)} for ${pyRepr(name)} is badly formatted: ${e.message}`,
      );
    }
    throw e;
  }
}

/** supervisord's `expand_here`: literal replacement of `%(here)s` (used for included files). */
export function replaceHere(value: string, here: string): string {
  return value.split('%(here)s').join(here);
}
