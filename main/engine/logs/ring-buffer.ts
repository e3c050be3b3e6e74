/** A fixed-capacity byte ring keeping the most recent output of a channel (UI tail, no file). */
export class ByteRing {
  private readonly buf: Buffer;
  private start = 0;
  private length = 0;
  /** Total bytes ever appended: the offset just past the newest byte. */
  total = 0;

  constructor(readonly capacity: number) {
    this.buf = Buffer.alloc(capacity);
  }

  append(data: Buffer): void {
    this.total += data.length;
    let src = data;
    if (src.length >= this.capacity) {
      src.copy(this.buf, 0, src.length - this.capacity);
      this.start = 0;
      this.length = this.capacity;
      return;
    }
    const end = (this.start + this.length) % this.capacity;
    const first = Math.min(src.length, this.capacity - end);
    src.copy(this.buf, end, 0, first);
    if (first < src.length) src.copy(this.buf, 0, first);
    const overflow = this.length + src.length - this.capacity;
    if (overflow > 0) {
      this.start = (this.start + overflow) % this.capacity;
      this.length = this.capacity;
    } else {
      this.length += src.length;
    }
    src = Buffer.alloc(0);
  }

  /** The buffered bytes, oldest first. */
  contents(): Buffer {
    if (this.start + this.length <= this.capacity) {
      return Buffer.from(this.buf.subarray(this.start, this.start + this.length));
    }
    return Buffer.concat([
      this.buf.subarray(this.start),
      this.buf.subarray(0, (this.start + this.length) % this.capacity),
    ]);
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
