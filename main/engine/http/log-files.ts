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
import type { LogSlice, LogStream, LogTick } from './wire.js';

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
  periodMs = 150,
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
