/**
 * An append-only log file with supervisord's rollover (`RotatingFileHandler.doRollover`):
 * after a write leaves the file at or above `maxBytes`, `.N-1 → .N … base → .1` and a fresh base.
 *
 * Writes are queued and issued asynchronously (a slow disk never blocks the event loop); chunks
 * that arrive while a write is in flight are coalesced into one writev. Order is preserved and
 * nothing is dropped except when the filesystem refuses the write (ENOSPC, EIO…): that batch is
 * counted as lost, reported once, and writing resumes with the next chunk.
 */
import fs from 'node:fs';

export interface RotatingFileOptions {
  path: string;
  /** 0 disables rotation. */
  maxBytes: number;
  backups: number;
  /** Bytes queued beyond which `write` returns false (the caller should pause its source). */
  highWaterMark?: number;
  /** Called on the first failure of a run of failures, and with `null` when writing recovers. */
  onError?: (err: NodeJS.ErrnoException | null, droppedBytes: number) => void;
}

type Op =
  { kind: 'data' } | { kind: 'reopen'; done: () => void } | { kind: 'clear'; done: () => void };

export class RotatingFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly backups: number;
  private readonly highWaterMark: number;
  private readonly onError: RotatingFileOptions['onError'];
  private fd: number | null = null;
  private size = 0;
  private rotatable = false;
  private chunks: Buffer[] = [];
  private queued = 0;
  private ops: Op[] = [];
  private busy = false;
  private failing = false;
  private dropped = 0;
  private drainWaiters: (() => void)[] = [];
  private closed = false;
  /** Total bytes handed to `write` (for tests and stats). */
  bytesIn = 0;

  constructor(opts: RotatingFileOptions) {
    this.path = opts.path;
    this.maxBytes = opts.maxBytes;
    this.backups = opts.backups;
    this.highWaterMark = opts.highWaterMark ?? 4 * 1024 * 1024;
    this.onError = opts.onError;
    this.open('a');
  }

  /** Queue bytes; returns false when the queue is above the high-water mark. */
  write(data: Buffer): boolean {
    if (this.closed || data.length === 0) return true;
    this.bytesIn += data.length;
    this.chunks.push(data);
    this.queued += data.length;
    if (this.ops.length === 0 || this.ops[this.ops.length - 1]?.kind !== 'data') {
      this.ops.push({ kind: 'data' });
    }
    this.pump();
    return this.queued < this.highWaterMark;
  }

  /** Resolves when everything queued so far is on disk (or dropped). */
  flush(): Promise<void> {
    if (!this.busy && this.ops.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Close and reopen the base file by name (SIGUSR2 / logrotate create mode). */
  reopen(): Promise<void> {
    return new Promise((resolve) => {
      this.ops.push({ kind: 'reopen', done: resolve });
      this.pump();
    });
  }

  /** Remove the base file and start an empty one (`clearProcessLogs`). */
  clear(): Promise<void> {
    return new Promise((resolve) => {
      this.ops.push({ kind: 'clear', done: resolve });
      this.pump();
    });
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    if (this.fd !== null) {
      try {
        fs.closeSync(this.fd);
      } catch {
        /* already gone */
      }
      this.fd = null;
    }
  }

  /** Bytes queued but not yet written. */
  get pending(): number {
    return this.queued;
  }

  private open(flags: 'a' | 'w'): void {
    try {
      this.fd = fs.openSync(this.path, flags, 0o644);
      const st = fs.fstatSync(this.fd);
      this.rotatable = st.isFile();
      this.size = st.isFile() ? st.size : 0;
    } catch (e) {
      this.fd = null;
      this.reportFailure(e as NodeJS.ErrnoException, 0);
    }
  }

  private pump(): void {
    if (this.busy) return;
    const op = this.ops[0];
    if (op === undefined) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
      return;
    }
    if (op.kind === 'reopen' || op.kind === 'clear') {
      this.ops.shift();
      if (this.fd !== null) {
        try {
          fs.closeSync(this.fd);
        } catch {
          /* ignore */
        }
        this.fd = null;
      }
      if (op.kind === 'clear') {
        try {
          fs.unlinkSync(this.path);
        } catch {
          /* missing is fine */
        }
      }
      this.open('a');
      op.done();
      this.pump();
      return;
    }
    const batch = this.chunks;
    this.chunks = [];
    const total = this.queued;
    this.queued = 0;
    this.ops.shift();
    if (this.fd === null) this.open('a');
    if (this.fd === null) {
      this.reportFailure(this.lastError ?? makeErr('EBADF'), total);
      this.pump();
      return;
    }
    this.busy = true;
    this.writeBatch(this.fd, batch, total);
  }

  private lastError: NodeJS.ErrnoException | undefined;

  private writeBatch(fd: number, batch: Buffer[], total: number): void {
    fs.writev(fd, batch, (err, written) => {
      if (err) {
        this.busy = false;
        this.reportFailure(err, total);
        this.pump();
        return;
      }
      this.size += written;
      if (written < total) {
        // Short write: keep the remainder at the front.
        const rest = sliceFrom(batch, written);
        this.writeBatch(fd, rest, total - written);
        return;
      }
      if (this.failing) {
        this.failing = false;
        this.onError?.(null, this.dropped);
        this.dropped = 0;
      }
      this.maybeRollover();
      this.busy = false;
      this.pump();
    });
  }

  private reportFailure(err: NodeJS.ErrnoException, lost: number): void {
    this.lastError = err;
    this.dropped += lost;
    if (!this.failing) {
      this.failing = true;
      this.onError?.(err, lost);
    }
  }

  private maybeRollover(): void {
    if (this.maxBytes <= 0 || !this.rotatable || this.size < this.maxBytes || this.fd === null) {
      return;
    }
    try {
      fs.closeSync(this.fd);
    } catch {
      /* ignore */
    }
    this.fd = null;
    if (this.backups > 0) {
      for (let i = this.backups - 1; i > 0; i--) {
        const src = `${this.path}.${i}`;
        if (fs.existsSync(src)) removeAndRename(src, `${this.path}.${i + 1}`);
      }
      removeAndRename(this.path, `${this.path}.1`);
    }
    this.open('w');
  }
}

function removeAndRename(src: string, dst: string): void {
  try {
    fs.rmSync(dst, { force: true });
  } catch {
    /* destination already gone */
  }
  try {
    fs.renameSync(src, dst);
  } catch (e) {
    // The source may have been removed externally (a cleanup script): tolerated as supervisord does.
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

function sliceFrom(batch: Buffer[], offset: number): Buffer[] {
  const out: Buffer[] = [];
  let skip = offset;
  for (const b of batch) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}

function makeErr(code: string): NodeJS.ErrnoException {
  const e = new Error(code) as NodeJS.ErrnoException;
  e.code = code;
  return e;
}
