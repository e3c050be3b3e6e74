/** Turning a `command=` into an executable and argv exactly as supervisord's `get_execv_args`. */
import fs from 'node:fs';
import path from 'node:path';

/** POSIX-mode `shlex.split` (quotes, backslash escapes, `#` comments are not special here). */
export function shlexSplit(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i] as string;
    if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end === -1) throw new Error('No closing quotation');
      cur += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
      continue;
    }
    if (c === '"') {
      i += 1;
      let closed = false;
      while (i < s.length) {
        const d = s[i] as string;
        if (d === '"') {
          closed = true;
          i += 1;
          break;
        }
        if (d === '\\' && i + 1 < s.length && '\\"$`\n'.includes(s[i + 1] as string)) {
          cur += s[i + 1];
          i += 2;
          continue;
        }
        cur += d;
        i += 1;
      }
      if (!closed) throw new Error('No closing quotation');
      inWord = true;
      continue;
    }
    if (c === '\\') {
      if (i + 1 >= s.length) throw new Error('No escaped character');
      cur += s[i + 1];
      inWord = true;
      i += 2;
      continue;
    }
    if (/\s/.test(c)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
      i += 1;
      continue;
    }
    // shlex in posix mode treats '#' at the start of a word as a comment.
    if (c === '#' && !inWord) break;
    cur += c;
    inWord = true;
    i += 1;
  }
  if (inWord) out.push(cur);
  return out;
}

export type ExecvProblem =
  | { kind: 'BadCommand'; message: string }
  | { kind: 'NotFound'; message: string }
  | { kind: 'NotExecutable'; message: string }
  | { kind: 'NoPermission'; message: string };

export type ExecvResult =
  { ok: true; file: string; argv: string[] } | { ok: false; problem: ExecvProblem };

/** Python's repr() of a str, as supervisord's `%r` messages print it. */
export function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let body = '';
  for (const ch of s) {
    if (ch === '\\') body += '\\\\';
    else if (ch === q) body += `\\${q}`;
    else if (ch === '\n') body += '\\n';
    else if (ch === '\r') body += '\\r';
    else if (ch === '\t') body += '\\t';
    else if (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f) {
      body += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    } else body += ch;
  }
  return q + body + q;
}

/** Resolve the program of a command on PATH (the program's environment PATH first). */
export function getExecvArgs(command: string, pathList: string[]): ExecvResult {
  let argv: string[];
  try {
    argv = shlexSplit(command);
  } catch (e) {
    return {
      ok: false,
      problem: {
        kind: 'BadCommand',
        message: `can't parse command ${pyRepr(command)}: ${(e as Error).message}`,
      },
    };
  }
  const program = argv[0];
  if (program === undefined)
    return { ok: false, problem: { kind: 'BadCommand', message: 'command is empty' } };
  let filename = program;
  let st: fs.Stats | null = null;
  if (program.includes('/')) {
    st = statOrNull(program);
  } else {
    for (const dir of pathList) {
      const found = path.join(dir, program);
      st = statOrNull(found);
      if (st) {
        filename = found;
        break;
      }
    }
  }
  if (st === null)
    return {
      ok: false,
      problem: { kind: 'NotFound', message: `can't find command ${pyRepr(filename)}` },
    };
  if (st.isDirectory()) {
    return {
      ok: false,
      problem: { kind: 'NotExecutable', message: `command at ${pyRepr(filename)} is a directory` },
    };
  }
  if ((st.mode & 0o111) === 0) {
    return {
      ok: false,
      problem: {
        kind: 'NotExecutable',
        message: `command at ${pyRepr(filename)} is not executable`,
      },
    };
  }
  try {
    fs.accessSync(filename, fs.constants.X_OK);
  } catch {
    return {
      ok: false,
      problem: {
        kind: 'NoPermission',
        message: `no permission to run command ${pyRepr(filename)}`,
      },
    };
  }
  return { ok: true, file: filename, argv };
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/** supervisord's default PATH list when $PATH is unset or empty. */
export function pathListFrom(envPath: string | undefined): string[] {
  if (envPath) return envPath.split(path.delimiter);
  return ['/bin', '/usr/bin', '/usr/local/bin'];
}
