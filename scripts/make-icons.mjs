#!/usr/bin/env node
// Draws Paddock's icons (tray icons per health state, macOS Template variants, the app icon)
// and writes them as PNGs with nothing but node:zlib. Re-run after changing a shape or colour:
//   node scripts/make-icons.mjs
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'assets');

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}
/** RGBA pixels (Uint8Array, size*size*4) → PNG bytes. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Renders `layers` (each: inside(u, v) → boolean over the unit square, and an [r,g,b,a] colour),
 * painted in order with 4×4 supersampling.
 */
function render(size, layers) {
  const out = new Uint8Array(size * size * 4);
  const S = 4;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) / size;
          const v = (y + (sy + 0.5) / S) / size;
          let pr = 0,
            pg = 0,
            pb = 0,
            pa = 0;
          for (const [inside, [cr, cg, cb, ca]] of layers) {
            if (!inside(u, v)) continue;
            const al = ca / 255;
            // "over" compositing with premultiplied accumulation
            pr = cr * al + pr * (1 - al);
            pg = cg * al + pg * (1 - al);
            pb = cb * al + pb * (1 - al);
            pa = al + pa * (1 - al);
          }
          r += pr;
          g += pg;
          b += pb;
          a += pa;
        }
      }
      const n = S * S;
      const i = (y * size + x) * 4;
      const alpha = a / n;
      out[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      out[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      out[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      out[i + 3] = Math.round(alpha * 255);
    }
  }
  return out;
}

const disc = (cx, cy, rad) => (u, v) => (u - cx) ** 2 + (v - cy) ** 2 <= rad * rad;
const ring = (cx, cy, r1, r2) => (u, v) => {
  const d = (u - cx) ** 2 + (v - cy) ** 2;
  return d <= r2 * r2 && d >= r1 * r1;
};
const rect = (x0, y0, x1, y1) => (u, v) => u >= x0 && u <= x1 && v >= y0 && v <= y1;
const minus = (a, b) => (u, v) => a(u, v) && !b(u, v);
const roundRect = (x0, y0, x1, y1, rad) => (u, v) => {
  const cx = Math.min(Math.max(u, x0 + rad), x1 - rad);
  const cy = Math.min(Math.max(v, y0 + rad), y1 - rad);
  return (u - cx) ** 2 + (v - cy) ** 2 <= rad * rad && u >= x0 && u <= x1 && v >= y0 && v <= y1;
};

// Shapes per health state, distinguishable without colour (for macOS Template images):
// running = filled disc, stopped = ring, error = disc with a bar cut out ("no entry").
const SHAPES = {
  running: disc(0.5, 0.5, 0.4),
  stopped: ring(0.5, 0.5, 0.24, 0.42),
  error: minus(disc(0.5, 0.5, 0.44), rect(0.24, 0.42, 0.76, 0.58)),
};
const COLOURS = {
  running: [46, 160, 67, 255],
  stopped: [160, 168, 180, 255],
  error: [248, 81, 73, 255],
};
const OUTLINE = [20, 24, 30, 200];

const files = {};
for (const [health, shape] of Object.entries(SHAPES)) {
  for (const [suffix, size] of [
    ['', 16],
    ['@2x', 32],
  ]) {
    // Coloured (Linux, Windows): a dark halo keeps the shape visible on light and dark panels.
    const halo = (u, v) => {
      const d = 1 / size;
      return shape(u - d, v) || shape(u + d, v) || shape(u, v - d) || shape(u, v + d);
    };
    files[`tray/${health}${suffix}.png`] = png(
      size,
      render(size, [
        [halo, OUTLINE],
        [shape, COLOURS[health]],
      ]),
    );
    // Template (macOS): black + alpha only; the OS tints it.
    files[`tray/${health}Template${suffix}.png`] = png(
      size,
      render(size, [[shape, [0, 0, 0, 255]]]),
    );
  }
}

// App icon: a paddock fence (three posts, two rails) on a dark rounded square.
const bg = roundRect(0.06, 0.06, 0.94, 0.94, 0.18);
const GREEN = [63, 185, 80, 255];
const fence = [
  roundRect(0.22, 0.24, 0.32, 0.78, 0.03),
  roundRect(0.45, 0.24, 0.55, 0.78, 0.03),
  roundRect(0.68, 0.24, 0.78, 0.78, 0.03),
  roundRect(0.16, 0.36, 0.84, 0.44, 0.02),
  roundRect(0.16, 0.56, 0.84, 0.64, 0.02),
];
const grass = rect(0.1, 0.8, 0.9, 0.84);
const appLayers = [
  [bg, [31, 36, 48, 255]],
  ...fence.map((f) => [f, GREEN]),
  [(u, v) => grass(u, v) && bg(u, v), [46, 120, 60, 255]],
];
files['icon.png'] = png(512, render(512, appLayers));
for (const size of [16, 32, 48, 64, 128, 256, 512]) {
  files[`icons/${size}x${size}.png`] =
    size === 512 ? files['icon.png'] : png(size, render(size, appLayers));
}

for (const [rel, bytes] of Object.entries(files)) {
  const file = join(root, rel);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, bytes);
}
console.log(`wrote ${Object.keys(files).length} icons under ${root}`);
