/**
 * Pure log-viewer model: bytes → lines (with byte offsets), safe display text, ANSI segments,
 * search highlighting, and a bounded window of lines.
 */
import Anser from 'anser';

export interface LogLine {
  /** Byte offset of the line's first byte in the logical log (−1 when unknown, e.g. merged). */
  offset: number;
  text: string;
  stream: 'stdout' | 'stderr' | 'main';
  /** Monotonic key for the virtual list. */
  key: number;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/**
 * Splits `bytes` (starting at logical `offset`) on '\n'. Returns complete lines and the byte
 * count of a trailing partial line left unconsumed (re-read with the next chunk).
 * Invalid UTF-8 becomes U+FFFD.
 */
export function splitLines(
  bytes: Uint8Array,
  offset: number,
  final = false,
): { lines: { offset: number; text: string }[]; consumed: number } {
  const lines: { offset: number; text: string }[] = [];
  let start = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0a) {
      let end = i;
      if (end > start && bytes[end - 1] === 0x0d) end--;
      lines.push({ offset: offset + start, text: decoder.decode(bytes.subarray(start, end)) });
      start = i + 1;
    }
  }
  if (final && start < bytes.length) {
    lines.push({ offset: offset + start, text: decoder.decode(bytes.subarray(start)) });
    start = bytes.length;
  }
  return { lines, consumed: start };
}

/** Control characters (except ESC, used by ANSI, and TAB) as visible Unicode control pictures. */
export function safeText(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001a\u001c-\u001f\u007f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 0x7f ? '\u2421' : String.fromCharCode(0x2400 + code);
  });
}

/** Removes ANSI escape sequences (for search and copy). */
export function stripAnsi(text: string): string {
  return text.replace(
    /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(\u0007|\u001b\\)|\u001b[@-_]/g,
    '',
  );
}

export interface Segment {
  text: string;
  fg: string | null;
  bg: string | null;
  bold: boolean;
  italic: boolean;
  underline: boolean;
  /** true for a search match. */
  mark: boolean;
}

/** ANSI-coloured segments of one line, with search matches split out as marked segments. */
export function segmentsOf(line: string, query: string): Segment[] {
  const parts = Anser.ansiToJson(safeText(line), {
    json: true,
    remove_empty: true,
    use_classes: false,
  });
  const out: Segment[] = [];
  const q = query.toLowerCase();
  for (const p of parts) {
    const deco = p.decorations ?? [];
    const base = {
      fg: p.fg ? `rgb(${p.fg})` : null,
      bg: p.bg ? `rgb(${p.bg})` : null,
      bold: deco.includes('bold'),
      italic: deco.includes('italic'),
      underline: deco.includes('underline'),
    };
    if (!q) {
      out.push({ ...base, text: p.content, mark: false });
      continue;
    }
    const lower = p.content.toLowerCase();
    let at = 0;
    let i = lower.indexOf(q);
    while (i >= 0) {
      if (i > at) out.push({ ...base, text: p.content.slice(at, i), mark: false });
      out.push({ ...base, text: p.content.slice(i, i + q.length), mark: true });
      at = i + q.length;
      i = lower.indexOf(q, at);
    }
    if (at < p.content.length) out.push({ ...base, text: p.content.slice(at), mark: false });
  }
  return out;
}

/** Indices of lines whose visible text contains `query` (case-insensitive). */
export function findMatches(lines: readonly LogLine[], query: string): number[] {
  if (!query) return [];
  const q = query.toLowerCase();
  const out: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (stripAnsi(lines[i]!.text).toLowerCase().includes(q)) out.push(i);
  }
  return out;
}

/** Next/previous match index (wrapping), given the current one (−1 when none yet). */
export function stepMatch(count: number, current: number, dir: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return dir === 1 ? 0 : count - 1;
  return (current + dir + count) % count;
}

/** Index of the line containing logical byte `offset` (lines sorted by offset). */
export function lineAtOffset(lines: readonly LogLine[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let best = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.offset <= offset) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

let nextKey = 1;
export function makeLines(
  raw: { offset: number; text: string }[],
  stream: LogLine['stream'],
): LogLine[] {
  return raw.map((r) => ({ ...r, stream, key: nextKey++ }));
}

/** Appends keeping at most `max` lines (drops from the top). */
export function appendBounded(lines: LogLine[], add: LogLine[], max: number): LogLine[] {
  const all = lines.concat(add);
  return all.length > max ? all.slice(all.length - max) : all;
}
