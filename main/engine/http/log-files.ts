/**
 * Byte-range access to a log and its rotated backups, for the log viewer (HTTP and IPC hosts).
 * The logical log is `<path>.N` … `<path>.1` (oldest first) followed by `<path>`; offsets address
 * that concatenation. Reads are bounded by the requested length: a 1 GB log costs one `stat` per
 * file and one positioned read.
 */
import { promises as fsp } from 'node:fs';
import type { SupervisorFacade } from '../facade.js';
import { SupervisorError } from '../model/faults.js';
import type { Unsubscribe } from '../facade.js';
import type { LogSearchResult, LogSlice, LogStream, LogTick } from './wire.js';
import { MAX_SEARCH_OFFSETS } from './wire.js';

/** More backups than supervisord could ever keep are not looked for. */
const MAX_BACKUPS = 1000;

export interface LogFileSet {
  files: { path: string; size: number; ino: number }[];
  size: number;
  generation: string;
}

/** The current file of a (namespec, stream) or null when it has none; throws BAD_NAME. */
export function logPathOf(
  facade: SupervisorFacade,
  namespec: string,
  stream: LogStream,
): string | null {
  if (stream === 'main') return facade.getMainLogPath();
  return facade.getProcessLogPath(namespec, stream);
}

async function statOrNull(p: string): Promise<{ size: number; ino: number } | null> {
  try {
    const st = await fsp.stat(p);
    return st.isFile() ? { size: st.size, ino: st.ino } : null;
  } catch {
    return null;
  }
}

/** Stats the current file and its backups (`.1`, `.2`, … until one is missing). */
export async function logFileSet(path: string): Promise<LogFileSet> {
  const backups: LogFileSet['files'] = [];
  for (let i = 1; i <= MAX_BACKUPS; i++) {
    const p = `${path}.${i}`;
    const st = await statOrNull(p);
    if (!st) break;
    backups.push({ path: p, ...st });
  }
  backups.reverse();
  const cur = await statOrNull(path);
  const files = cur ? [...backups, { path, ...cur }] : backups;
  const size = files.reduce((n, f) => n + f.size, 0);
  // Rotation changes inodes; a clear truncates the current file (size drops: caller detects).
  const generation = files.map((f) => f.ino).join('.');
  return { files, size, generation };
}

/** Reads `length` bytes at logical `offset`; past the end yields an empty slice. */
export async function readLogSlice(
  path: string,
  offset: number,
  length: number,
): Promise<LogSlice> {
  const set = await logFileSet(path);
  const chunks: Buffer[] = [];
  let want = Math.max(0, Math.min(length, set.size - offset));
  let base = 0;
  for (const f of set.files) {
    if (want <= 0) break;
    const end = base + f.size;
    if (offset < end) {
      const pos = Math.max(0, offset - base);
      const n = Math.min(want, f.size - pos);
      const fh = await fsp.open(f.path, 'r').catch(() => null);
      if (fh) {
        try {
          const buf = Buffer.alloc(n);
          const { bytesRead } = await fh.read(buf, 0, n, pos);
          chunks.push(buf.subarray(0, bytesRead));
          want -= bytesRead;
          offset += bytesRead;
          if (bytesRead < n) break;
        } finally {
          await fh.close();
        }
      } else break;
    }
    base = end;
  }
  const data = Buffer.concat(chunks);
  return {
    data: data.toString('base64'),
    offset: offset - data.length,
    size: set.size,
    generation: set.generation,
    files: set.files.map((f) => ({ path: f.path, size: f.size })),
  };
}

/** Resolves the path or throws NO_FILE (the fault supervisord's readLog uses). */
export function requireLogPath(
  facade: SupervisorFacade,
  namespec: string,
  stream: LogStream,
): string {
  const p = logPathOf(facade, namespec, stream);
  if (p === null) throw new SupervisorError('NO_FILE', `${namespec} has no ${stream} log file`);
  return p;
}

/**
 * Calls `cb` whenever the log's size or file set changes (coalesced; polled by `stat` every
 * `periodMs` while subscribed — one stat per file per period, nothing when nobody watches).
 * The first tick is sent immediately.
 */
export function watchLog(
  path: string,
  name: string,
  stream: LogStream,
  cb: (tick: LogTick) => void,
  periodMs = 100,
): Unsubscribe {
  let last = '';
  let stopped = false;
  let busy = false;
  const check = async (): Promise<void> => {
    if (busy || stopped) return;
    busy = true;
    try {
      const set = await logFileSet(path);
      const key = `${set.size}/${set.generation}`;
      if (!stopped && key !== last) {
        last = key;
        cb({ name, stream, size: set.size, generation: set.generation });
      }
    } finally {
      busy = false;
    }
  };
  void check();
  const timer = setInterval(() => void check(), periodMs);
  timer.unref?.();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

/**
 * Case-insensitive (ASCII) literal search over the whole logical log, in 1 MB chunks with an
 * overlap so matches spanning chunk or file boundaries are found. Memory stays bounded.
 */
export async function searchLog(path: string, query: string): Promise<LogSearchResult> {
  const set = await logFileSet(path);
  const needle = query.toLowerCase();
  const nlen = Buffer.byteLength(needle, 'latin1');
  const offsets: number[] = [];
  let total = 0;
  if (nlen === 0) return { query, offsets, total, size: set.size };
  const CHUNK = 1024 * 1024;
  let carry = ''; // last nlen-1 chars of the previous chunk
  let carryStart = 0; // logical offset of carry[0]
  let base = 0;
  for (const f of set.files) {
    const fh = await fsp.open(f.path, 'r').catch(() => null);
    if (!fh) {
      base += f.size;
      continue;
    }
    try {
      const buf = Buffer.alloc(CHUNK);
      for (let pos = 0; pos < f.size;) {
        const { bytesRead } = await fh.read(buf, 0, Math.min(CHUNK, f.size - pos), pos);
        if (bytesRead === 0) break;
        const text = carry + buf.toString('latin1', 0, bytesRead).toLowerCase();
        let i = text.indexOf(needle);
        while (i >= 0) {
          total++;
          if (offsets.length < MAX_SEARCH_OFFSETS) offsets.push(carryStart + i);
          i = text.indexOf(needle, i + nlen);
        }
        const keep = Math.min(nlen - 1, text.length);
        carry = keep > 0 ? text.slice(text.length - keep) : '';
        carryStart = base + pos + bytesRead - keep;
        pos += bytesRead;
      }
    } finally {
      await fh.close();
    }
    base += f.size;
  }
  return { query, offsets, total, size: set.size };
}
