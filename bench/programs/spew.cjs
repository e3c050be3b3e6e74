// Writes argv[2] bytes to stdout as numbered 1 KiB lines ("%010d " + filler + "\n"), blocking.
const fs = require('node:fs');
const total = Number(process.argv[2] ?? 1 << 30);
const LINE = 1024;
const PER_CHUNK = 1024;
const lines = Math.floor(total / LINE);
const chunk = Buffer.alloc(LINE * PER_CHUNK, 'x');
for (let k = 0; k < PER_CHUNK; k++) {
  chunk[k * LINE + 10] = 0x20;
  chunk[k * LINE + LINE - 1] = 0x0a;
}
let n = 0;
while (n < lines) {
  const count = Math.min(PER_CHUNK, lines - n);
  for (let k = 0; k < count; k++) chunk.write(String(n + k).padStart(10, '0'), k * LINE, 'latin1');
  const buf = count === PER_CHUNK ? chunk : chunk.subarray(0, count * LINE);
  let off = 0;
  while (off < buf.length) {
    try {
      off += fs.writeSync(1, buf, off, buf.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
    }
  }
  n += count;
}
