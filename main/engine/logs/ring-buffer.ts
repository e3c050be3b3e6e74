/**
 * A byte ring keeping the most recent output of a channel (UI tail, no file needed).
 * Storage grows on demand up to `capacity`, so hundreds of quiet processes cost almost nothing.
 */
export class ByteRing {
  private buf: Buffer = Buffer.alloc(0);
  private start = 0;
  private length = 0;
  /** Total bytes ever appended: the offset just past the newest byte. */
  total = 0;

  constructor(readonly capacity: number) {}

  append(data: Buffer): void {
    this.total += data.length;
    if (data.length === 0) return;
    if (data.length >= this.capacity) {
      this.ensure(this.capacity);
      data.copy(this.buf, 0, data.length - this.capacity);
      this.start = 0;
      this.length = this.capacity;
      return;
    }
    this.ensure(Math.min(this.capacity, this.length + data.length));
    const size = this.buf.length;
    const end = (this.start + this.length) % size;
    const first = Math.min(data.length, size - end);
    data.copy(this.buf, end, 0, first);
    if (first < data.length) data.copy(this.buf, 0, first);
    const overflow = this.length + data.length - size;
    if (overflow > 0) {
      this.start = (this.start + overflow) % size;
      this.length = size;
    } else {
      this.length += data.length;
    }
  }

  /** Grow storage (linearising the contents) so that `need` bytes fit, doubling from 4 KiB. */
  private ensure(need: number): void {
    if (this.buf.length >= need) return;
    let size = Math.max(4096, this.buf.length);
    while (size < need) size *= 2;
    size = Math.min(size, this.capacity);
    const next = Buffer.alloc(size);
    this.contents().copy(next, 0);
    this.buf = next;
    this.start = 0;
  }

  /** The buffered bytes, oldest first. */
  contents(): Buffer {
    const size = this.buf.length;
    if (this.start + this.length <= size) {
      return Buffer.from(this.buf.subarray(this.start, this.start + this.length));
    }
    return Buffer.concat([
      this.buf.subarray(this.start),
      this.buf.subarray(0, (this.start + this.length) % size),
    ]);
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }
}
