/**
 * `npm run bench`: issue 7's scenarios on paddockd and, when installed, on the real supervisord,
 * alternating, several repetitions; prints a table of medians with the ratio Paddock/supervisord
 * and whether each target is met; writes bench/results/latest.json and latest.md.
 * `BENCH_QUICK=1` runs fewer repetitions on smaller sizes. Not a test: no thresholds fail it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { haveSupervisord, KINDS, type Kind, killStragglers, median, ROOT } from './lib.js';
import {
  groupScenario,
  logCaptureScenario,
  type Samples,
  type Sizes,
  smallScenario,
  startupScenario,
  windowReadScenario,
} from './scenarios.js';

const QUICK = process.env.BENCH_QUICK === '1';
const REPS = Number(process.env.BENCH_REPS ?? (QUICK ? 1 : 3));
const sizes: Sizes = QUICK
  ? {
      many: 100,
      group: 30,
      logBytes: 128 << 20,
      idleWindowMs: 2000,
      getStateWindowMs: 1000,
      crashes: 2,
      logtailPings: 8,
      groupStops: 2,
    }
  : {
      many: 500,
      group: 100,
      logBytes: 1 << 30,
      idleWindowMs: 6000,
      getStateWindowMs: 2000,
      crashes: 4,
      logtailPings: 20,
      groupStops: 4,
    };

type Better = 'lower' | 'higher';

interface Row {
  key: string;
  title: string;
  unit: string;
  better: Better;
  /** Human-readable Paddock target. */
  target: string;
  /** Decide the target from Paddock's and supervisord's medians. */
  met: (p: number, s: number) => boolean | null;
  baseline: string;
  paddockOnly?: boolean;
}

const N = sizes.many;
const G = sizes.group;
const GIB = sizes.logBytes === 1 << 30 ? '1 GiB' : `${sizes.logBytes >> 20} MiB`;
const ROWS: Row[] = [
  {
    key: `start${N}_s0_ms`,
    title: `${N} programs (sleep), startsecs=0: daemon start → all RUNNING`,
    unit: 'ms',
    better: 'lower',
    target: '≤ 700 ms',
    met: (p) => p <= 700,
    baseline: '1,790 ms',
  },
  {
    key: `start${N}_s1_ms`,
    title: `${N} programs, startsecs=1: → all RUNNING`,
    unit: 'ms',
    better: 'lower',
    target: '≤ 1,700 ms',
    met: (p) => p <= 1700,
    baseline: '2,900 ms',
  },
  {
    key: 'rss_MiB',
    title: `daemon RSS with ${N} programs running`,
    unit: 'MiB',
    better: 'lower',
    target: '≤ 48 MiB',
    met: (p) => p <= 48,
    baseline: '40.7 MiB',
  },
  {
    key: 'idle_cpu_pct',
    title: `idle CPU with ${N} programs running`,
    unit: '%',
    better: 'lower',
    target: '≤ 0.2 %',
    met: (p) => p <= 0.2,
    baseline: '0–0.4 %',
  },
  {
    key: 'getAllProcessInfo_p50_ms',
    title: `getAllProcessInfo with ${N} programs, p50`,
    unit: 'ms',
    better: 'lower',
    target: '≤ 5 ms',
    met: (p) => p <= 5,
    baseline: '191 ms',
  },
  {
    key: 'getAllProcessInfo_parsed_p50_ms',
    title: `getAllProcessInfo with ${N} programs, p50 incl. client XML parsing (Node client)`,
    unit: 'ms',
    better: 'lower',
    target: '(info)',
    met: () => null,
    baseline: '—',
  },
  {
    key: 'getState_per_s',
    title: 'getState sequential requests/s (unix socket, keep-alive, raw client)',
    unit: '/s',
    better: 'higher',
    target: '≥ 5,000 /s',
    met: (p) => p >= 5000,
    baseline: '497 /s',
  },
  {
    key: 'getState_newconn_per_s',
    title: 'getState sequential requests/s, new connection per request',
    unit: '/s',
    better: 'higher',
    target: '(info)',
    met: () => null,
    baseline: '—',
  },
  {
    key: 'crash_respawn_ms',
    title: 'crash of a long-running program: exit → next spawn',
    unit: 'ms',
    better: 'lower',
    target: '≤ 5 ms',
    met: (p) => p <= 5,
    baseline: '~1,000 ms',
  },
  {
    key: 'crashloop_spawns_per_s',
    title: 'crash loop (exit 1 at once, autorestart): spawns/s',
    unit: '/s',
    better: 'lower',
    target: 'paced (≤ 1.5 /s)',
    met: (p) => p <= 1.5,
    baseline: '—',
  },
  {
    key: 'crashloop_cpu_pct',
    title: 'crash loop: daemon CPU',
    unit: '%',
    better: 'lower',
    target: 'never spinning (≤ 5 %)',
    met: (p) => p <= 5,
    baseline: '—',
  },
  {
    key: 'logcapture_MB_per_s',
    title: `log capture, ${GIB} through stdout with rotation: throughput`,
    unit: 'MB/s',
    better: 'higher',
    target: '≥ supervisord',
    met: (p, s) => (Number.isFinite(s) ? p >= s : null),
    baseline: '687 MB/s',
  },
  {
    key: 'logcapture_cpu_s_per_GiB',
    title: 'log capture: daemon CPU per GiB',
    unit: 'CPU-s/GiB',
    better: 'lower',
    target: '≤ 0.5',
    met: (p) => p <= 0.5,
    baseline: '0.92',
  },
  {
    key: 'logcapture_lost_bytes',
    title: 'log capture: bytes lost',
    unit: 'B',
    better: 'lower',
    target: '0',
    met: (p) => p === 0,
    baseline: '0',
  },
  {
    key: 'logcapture_dup_bytes',
    title: 'log capture: bytes duplicated',
    unit: 'B',
    better: 'lower',
    target: '0',
    met: (p) => p === 0,
    baseline: '—',
  },
  {
    key: 'sigterm_shutdown_ms',
    title: `SIGTERM shutdown, ${G} programs that honour TERM`,
    unit: 'ms',
    better: 'lower',
    target: '≤ 300 ms',
    met: (p) => p <= 300,
    baseline: '1–13 s',
  },
  {
    key: 'stopGroup_ms',
    title: `stopProcessGroup(wait=true), ${G} programs (max of reps)`,
    unit: 'ms',
    better: 'lower',
    target: '≤ 100 ms every time',
    met: (p) => p <= 100,
    baseline: '14 or 1,016 ms',
  },
  {
    key: 'logtail_line_ms',
    title: 'line written by a child → visible via GET /logtail',
    unit: 'ms',
    better: 'lower',
    target: '≤ 1 ms',
    met: (p) => p <= 1,
    baseline: '0.8 ms',
  },
  {
    key: 'window_first_read_ms',
    title: `window: ${GIB} log, UI host's first 256 KiB read (readLogSlice; paint not measured)`,
    unit: 'ms',
    better: 'lower',
    target: '≤ 300 ms (whole paint)',
    met: (p) => p <= 300,
    baseline: '—',
    paddockOnly: true,
  },
  {
    key: 'stragglers',
    title: 'processes left behind after teardown (max)',
    unit: '',
    better: 'lower',
    target: '0',
    met: (p) => p === 0,
    baseline: '—',
  },
];

/** Rows whose figure is the worst sample rather than the median. */
const WORST = new Set([
  'stopGroup_ms',
  'stragglers',
  'logcapture_lost_bytes',
  'logcapture_dup_bytes',
]);

function summarize(samples: number[], key: string, better: Better): number {
  if (!samples.length) return NaN;
  if (WORST.has(key)) return better === 'lower' ? Math.max(...samples) : Math.min(...samples);
  return median(samples);
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const digits = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
  return v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

async function main(): Promise<void> {
  const withSup = haveSupervisord() && process.env.BENCH_NO_SUPERVISORD !== '1';
  const kinds: Kind[] = withSup ? [...KINDS] : ['paddockd'];
  const samples: Record<Kind, Samples> = { paddockd: {}, supervisord: {} };
  const errors: string[] = [];
  const started = Date.now();
  process.on('SIGINT', () => {
    killStragglers();
    process.exit(130);
  });
  if (!fs.existsSync(path.join(ROOT, 'out/main/engine/cli/paddockd.js'))) {
    throw new Error('out/ is missing: run `npm run build` first');
  }
  const scenarios: [string, (k: Kind) => Promise<void>][] = [
    ['startup s0', (k) => startupScenario(k, sizes, 0, samples[k])],
    ['startup s1', (k) => startupScenario(k, sizes, 1, samples[k])],
    ['small daemon', (k) => smallScenario(k, sizes, samples[k])],
    ['group', (k) => groupScenario(k, sizes, samples[k])],
    ['log capture', (k) => logCaptureScenario(k, sizes, samples[k])],
  ];
  console.log(
    `paddock bench: ${REPS} rep(s)${QUICK ? ' (BENCH_QUICK)' : ''}, ${os.cpus().length} CPUs, node ${process.version}` +
      (withSup ? ', beside /usr/bin/supervisord' : ', supervisord not installed: Paddock only'),
  );
  for (let rep = 0; rep < REPS; rep++) {
    for (const [name, run] of scenarios) {
      // alternate which daemon goes first
      const order = rep % 2 === 0 ? kinds : [...kinds].reverse();
      for (const k of order) {
        const t0 = Date.now();
        try {
          await run(k);
          console.log(
            `  rep ${rep + 1} ${name} on ${k}: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
          );
        } catch (e) {
          const msg = `rep ${rep + 1} ${name} on ${k}: ${(e as Error).message}`;
          errors.push(msg);
          console.log(`  FAILED ${msg}`);
          killStragglers();
        }
      }
    }
  }
  try {
    await windowReadScenario(sizes, samples.paddockd);
  } catch (e) {
    errors.push(`window read: ${(e as Error).message}`);
  }

  const rows = ROWS.map((r) => {
    const p = summarize(samples.paddockd[r.key] ?? [], r.key, r.better);
    const s = r.paddockOnly ? NaN : summarize(samples.supervisord[r.key] ?? [], r.key, r.better);
    const ratio = Number.isFinite(p) && Number.isFinite(s) && s !== 0 ? p / s : NaN;
    const met = Number.isFinite(p) ? r.met(p, s) : null;
    return {
      key: r.key,
      title: r.title,
      unit: r.unit,
      target: r.target,
      baseline: r.baseline,
      paddockd: p,
      supervisord: s,
      ratio,
      met,
      samples: {
        paddockd: samples.paddockd[r.key] ?? [],
        supervisord: samples.supervisord[r.key] ?? [],
      },
    };
  });

  const header = ['scenario', 'supervisord', 'Paddock', 'P/s', 'target', 'met'];
  const table = rows.map((r) => [
    r.title,
    Number.isFinite(r.supervisord) ? `${fmt(r.supervisord)} ${r.unit}`.trim() : '—',
    Number.isFinite(r.paddockd) ? `${fmt(r.paddockd)} ${r.unit}`.trim() : 'not measured',
    Number.isFinite(r.ratio) ? `${fmt(r.ratio)}×` : '—',
    r.target,
    r.met === null ? '—' : r.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) =>
    Math.max(h.length, ...table.map((row) => (row[i] as string).length)),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
      .join('  ');
  console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const row of table) console.log(line(row));
  if (errors.length) console.log(`\nerrors:\n  ${errors.join('\n  ')}`);

  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? '',
    memGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    node: process.version,
  };
  const result = {
    date: new Date().toISOString(),
    quick: QUICK,
    reps: REPS,
    sizes,
    machine,
    withSupervisord: withSup,
    durationS: Math.round((Date.now() - started) / 1000),
    rows,
    errors,
  };
  const dir = path.join(ROOT, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const base = QUICK ? 'quick' : 'latest';
  fs.writeFileSync(path.join(dir, `${base}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    `Measured ${result.date.slice(0, 10)} on ${machine.cpus} CPUs (${machine.cpuModel}), node ${machine.node}, ` +
      `${REPS} repetitions alternating paddockd and supervisord 4.2.5; medians (stopProcessGroup, lost/duplicated bytes and stragglers: worst case).`,
    '',
    `| ${header.join(' | ')} |`,
    `|${header.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...table.map((row) => `| ${row.join(' | ')} |`),
    '',
    ...(errors.length ? ['Errors:', '', ...errors.map((e) => `- ${e}`), ''] : []),
  ].join('\n');
  fs.writeFileSync(path.join(dir, `${base}.md`), md);
  console.log(`\nwrote bench/results/${base}.json and ${base}.md in ${result.durationS} s`);
  killStragglers();
}

main().catch((e: unknown) => {
  console.error(e);
  killStragglers();
  process.exit(1);
});
