/** supervisord's activity log: `YYYY-MM-DD HH:MM:SS,mmm LEVL message`, with level filtering. */
import type { LogLevelName } from '../model/types.js';
import { RotatingFile } from './rotating-file.js';

export const LOG_LEVELS: Record<LogLevelName, number> = {
  critical: 50,
  error: 40,
  warn: 30,
  info: 20,
  debug: 10,
  trace: 5,
  blather: 3,
};

const LEVEL_CODES: Record<number, string> = {
  50: 'CRIT',
  40: 'ERRO',
  30: 'WARN',
  20: 'INFO',
  10: 'DEBG',
  5: 'TRAC',
  3: 'BLAT',
};

export interface LoggerSink {
  write(line: Buffer): void;
}

export interface MainLoggerOptions {
  level: LogLevelName;
  /** A path, `syslog` (treated as no file), or null for no file. */
  file: string | null;
  maxBytes: number;
  backups: number;
  /** Echo to this stream too (nodaemon without silent). */
  echo?: NodeJS.WritableStream | null;
  now?: () => number;
}

export class MainLogger {
  readonly level: number;
  readonly file: RotatingFile | null;
  private readonly echo: NodeJS.WritableStream | null;
  private readonly now: () => number;

  constructor(opts: MainLoggerOptions) {
    this.level = LOG_LEVELS[opts.level];
    this.now = opts.now ?? Date.now;
    this.echo = opts.echo ?? null;
    this.file =
      opts.file && opts.file !== 'syslog'
        ? new RotatingFile({
            path: opts.file,
            maxBytes: opts.maxBytes,
            backups: opts.backups,
            onError: (err) => {
              if (err) this.echo?.write(`paddockd: cannot write ${opts.file}: ${err.message}\n`);
            },
          })
        : null;
  }

  isEnabled(level: LogLevelName): boolean {
    return LOG_LEVELS[level] >= this.level;
  }

  log(level: LogLevelName, msg: string): void {
    const num = LOG_LEVELS[level];
    if (num < this.level) return;
    const line = `${formatTime(this.now())} ${LEVEL_CODES[num]} ${msg}\n`;
    const buf = Buffer.from(line);
    this.file?.write(buf);
    this.echo?.write(buf);
  }

  critical(msg: string): void {
    this.log('critical', msg);
  }
  error(msg: string): void {
    this.log('error', msg);
  }
  warn(msg: string): void {
    this.log('warn', msg);
  }
  info(msg: string): void {
    this.log('info', msg);
  }
  debug(msg: string): void {
    this.log('debug', msg);
  }
  trace(msg: string): void {
    this.log('trace', msg);
  }
  blather(msg: string): void {
    this.log('blather', msg);
  }

  async close(): Promise<void> {
    await this.file?.close();
  }
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** `2026-11-24 09:40:03,123` in local time, as Python's logging asctime. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())},${pad(d.getMilliseconds(), 3)}`
  );
}
