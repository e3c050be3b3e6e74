/**
 * One output stream of a child (stdout or stderr): ANSI stripping, the log file with rotation,
 * PROCESS_LOG events and debug copies to the activity log. Tails (RPC, logtail, the UI) read the
 * log files by byte range, so no copy of the output is kept in memory.
 */
import type { LogChannel } from '../model/types.js';
import { RotatingFile } from './rotating-file.js';

const ESC_BEGIN = Buffer.from('\x1b[');
const ANSI_TERMINATORS = new Set(Array.from('HfABCDRsuJKhlpm', (c) => c.charCodeAt(0)));

/** supervisord's `stripEscapes`: drop `ESC[` … terminator sequences (per chunk, as supervisord). */
export function stripEscapes(s: Buffer): Buffer {
  if (s.indexOf(ESC_BEGIN) === -1) return s;
  const parts: Buffer[] = [];
  let show = true;
  let i = 0;
  const L = s.length;
  while (i < L) {
    if (!show && ANSI_TERMINATORS.has(s[i] as number)) {
      show = true;
    } else if (show) {
      const n = s.indexOf(ESC_BEGIN, i);
      if (n === -1) {
        parts.push(s.subarray(i));
        return Buffer.concat(parts);
      }
      parts.push(s.subarray(i, n));
      i = n;
      show = false;
    }
    i += 1;
  }
  return Buffer.concat(parts);
}

export interface OutputChannelOptions {
  channel: LogChannel;
  /** Resolved log path, or null for none. */
  logfile: string | null;
  maxBytes: number;
  backups: number;
  stripAnsi: boolean;
  /** Called for each chunk after stripping (events, UI pushes, debug main-log copies). */
  onData?: (data: Buffer) => void;
  onWriteError?: (err: NodeJS.ErrnoException | null, dropped: number) => void;
}

export class OutputChannel {
  readonly channel: LogChannel;
  readonly file: RotatingFile | null;
  private readonly stripAnsi: boolean;
  private readonly onData: ((data: Buffer) => void) | undefined;

  constructor(opts: OutputChannelOptions) {
    this.channel = opts.channel;
    this.stripAnsi = opts.stripAnsi;
    this.onData = opts.onData;
    this.file =
      opts.logfile === null
        ? null
        : new RotatingFile({
            path: opts.logfile,
            maxBytes: opts.maxBytes,
            backups: opts.backups,
            onError: opts.onWriteError,
          });
  }

  /** Handle one chunk; returns false when the file queue is full (pause the source). */
  write(raw: Buffer): boolean {
    const data = this.stripAnsi ? stripEscapes(raw) : raw;
    if (data.length === 0) return true;
    this.onData?.(data);
    return this.file ? this.file.write(data) : true;
  }

  async close(): Promise<void> {
    await this.file?.close();
  }
}
