/**
 * Capture mode (supervisord's `POutputDispatcher.record_output`): output between
 * `<!--XSUPERVISOR:BEGIN-->` and `<!--XSUPERVISOR:END-->` is kept out of the log file, collected
 * in a bounded buffer of `*_capture_maxbytes`, and emitted as one PROCESS_COMMUNICATION event.
 */

export const BEGIN_TOKEN = Buffer.from('<!--XSUPERVISOR:BEGIN-->');
export const END_TOKEN = Buffer.from('<!--XSUPERVISOR:END-->');

/** supervisord's `BoundIO`: a write that would exceed maxbytes first drops `len(write)` bytes from the head. */
export class BoundBuffer {
  private buf = Buffer.alloc(0);
  constructor(readonly maxbytes: number) {}

  write(b: Buffer): void {
    if (this.buf.length + b.length > this.maxbytes) this.buf = this.buf.subarray(b.length);
    this.buf = Buffer.concat([this.buf, b]);
  }

  getvalue(): Buffer {
    return this.buf;
  }

  clear(): void {
    this.buf = Buffer.alloc(0);
  }
}

/** `find_prefix_at_end`: length of the longest proper prefix of `token` that `data` ends with. */
export function prefixAtEnd(data: Buffer, token: Buffer): number {
  for (let l = Math.min(token.length - 1, data.length); l > 0; l--) {
    if (data.subarray(data.length - l).equals(token.subarray(0, l))) return l;
  }
  return 0;
}

export interface CaptureSink {
  /**
   * Output outside the tokens (raw, for the log file) or inside them (`captured`, already
   * transformed: it goes to the capture buffer, never to the log file).
   */
  output(data: Buffer, captured: boolean): void;
  /** The END token was seen: `data` is what was captured (bounded). */
  communication(data: Buffer): void;
}

/** One stream's capture-mode state; `transform` strips ANSI from captured data when strip_ansi is set. */
export class CaptureParser {
  private pending = Buffer.alloc(0);
  private capturing = false;
  private readonly bound: BoundBuffer;

  constructor(
    maxbytes: number,
    private readonly sink: CaptureSink,
    private readonly transform: (b: Buffer) => Buffer = (b) => b,
  ) {
    this.bound = new BoundBuffer(maxbytes);
  }

  get inCaptureMode(): boolean {
    return this.capturing;
  }

  feed(chunk: Buffer): void {
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    for (;;) {
      const token = this.capturing ? END_TOKEN : BEGIN_TOKEN;
      const at = data.indexOf(token);
      if (at === -1) {
        const keep = prefixAtEnd(data, token);
        if (keep) {
          this.pending = Buffer.from(data.subarray(data.length - keep));
          data = data.subarray(0, data.length - keep);
        }
        this.log(data);
        return;
      }
      this.log(data.subarray(0, at));
      this.toggle();
      data = data.subarray(at + token.length);
      if (data.length === 0) return;
    }
  }

  /** The stream ended: a held-back partial token is ordinary output after all. */
  end(): void {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    this.log(rest);
  }

  private log(raw: Buffer): void {
    if (raw.length === 0) return;
    if (!this.capturing) {
      this.sink.output(raw, false);
      return;
    }
    const data = this.transform(raw);
    if (data.length === 0) return;
    this.bound.write(data);
    this.sink.output(data, true);
  }

  private toggle(): void {
    this.capturing = !this.capturing;
    if (!this.capturing) {
      const data = this.bound.getvalue();
      this.bound.clear();
      this.sink.communication(data);
    }
  }
}
