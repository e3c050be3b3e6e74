/**
 * Python `glob.glob(pattern)` (non-recursive): `*`, `?` and `[...]` per path segment, hidden
 * entries only matched by patterns starting with `.`, only existing paths returned. Unsorted,
 * like Python (callers sort).
 */
import fs from 'node:fs';
import path from 'node:path';

const MAGIC = /[*?[]/;

/** `fnmatch.translate` for one segment. */
export function fnmatchRegex(pat: string): RegExp {
  let re = '';
  let i = 0;
  while (i < pat.length) {
    const c = pat[i++] as string;
    if (c === '*') {
      re += '.*';
    } else if (c === '?') {
      re += '.';
    } else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) {
        re += '\\[';
      } else {
        let stuff = pat.slice(i, j).replace(/\\/g, '\\\\');
        i = j + 1;
        if (stuff.startsWith('!')) stuff = '^' + stuff.slice(1);
        else if (stuff.startsWith('^')) stuff = '\\' + stuff;
        re += `[${stuff}]`;
      }
    } else {
      re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    }
  }
  return new RegExp(`^(?:${re})$`, 's');
}

function lexists(p: string): boolean {
  try {
    fs.lstatSync(p);
    return true;
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function glob(pattern: string): string[] {
  if (!MAGIC.test(pattern)) return lexists(pattern) ? [pattern] : [];
  const absolute = pattern.startsWith('/');
  const parts = pattern.split('/').filter((p, idx) => p !== '' || idx === 0);
  let current: string[] = [absolute ? '/' : ''];
  if (absolute) parts.shift();
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as string;
    const last = k === parts.length - 1;
    const next: string[] = [];
    for (const base of current) {
      if (!MAGIC.test(part)) {
        const p = base ? path.join(base, part) : part;
        if (last ? lexists(p) : isDir(p)) next.push(p);
        continue;
      }
      let entries: string[];
      try {
        entries = fs.readdirSync(base || '.');
      } catch {
        continue;
      }
      const re = fnmatchRegex(part);
      for (const e of entries) {
        if (e.startsWith('.') && !part.startsWith('.')) continue;
        if (!re.test(e)) continue;
        const p = base ? path.join(base, e) : e;
        if (last || isDir(p)) next.push(p);
      }
    }
    current = next;
  }
  return current;
}
