import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LogSearchResult, LogStream } from '../../preload/contract.js';
import { base64ToBytes, type DataSource } from '../api/data-source.js';
import {
  appendBounded,
  findMatches,
  lineAtOffset,
  makeLines,
  segmentsOf,
  splitLines,
  stepMatch,
  stripAnsi,
  type LogLine,
} from '../model/log-model.js';

const CHUNK = 256 * 1024;
const MAX_LINES = 50_000;
const ROW = 18;

type Mode = 'stdout' | 'stderr' | 'both' | 'main';

interface Props {
  source: DataSource;
  namespec: string;
  /** Initial mode; 'main' shows the daemon's activity log. */
  mode?: Mode;
}

interface Win {
  lines: LogLine[];
  /** Logical byte range covered (single-stream modes). */
  start: number;
  end: number;
  size: number;
  generation: string;
}

const EMPTY: Win = { lines: [], start: 0, end: 0, size: 0, generation: '' };

export function LogViewer({ source, namespec, mode: initialMode = 'stdout' }: Props) {
  const [mode, setMode] = useState<Mode>(initialMode);
  const [win, setWin] = useState<Win>(EMPTY);
  const [follow, setFollow] = useState(true);
  const [wrap, setWrap] = useState(false);
  const [query, setQuery] = useState('');
  const [search, setSearch] = useState<LogSearchResult | null>(null);
  const [current, setCurrent] = useState(-1);
  const [error, setError] = useState<string | null>(null);
  const parentRef = useRef<HTMLDivElement>(null);
  const winRef = useRef<Win>(EMPTY);
  winRef.current = win;
  const busy = useRef(false);
  const followRef = useRef(follow);
  followRef.current = follow;

  const streams: LogStream[] = mode === 'both' ? ['stdout', 'stderr'] : [mode];
  const single = mode !== 'both';

  const read = useCallback(
    async (stream: LogStream, offset: number, length: number) => {
      const slice = await source.readLog(namespec, stream, offset, length);
      return { slice, bytes: base64ToBytes(slice.data) };
    },
    [source, namespec],
  );

  /** Loads the window ending at the end of the log (or around `at`). */
  const loadAt = useCallback(
    async (at: number | null): Promise<Win> => {
      const stream = streams[0]!;
      const probe = await read(stream, 0, 0);
      const size = probe.slice.size;
      const from = at === null ? Math.max(0, size - CHUNK) : Math.max(0, at - CHUNK / 2);
      const { slice, bytes } = await read(stream, from, CHUNK);
      const final = from + bytes.length >= slice.size;
      const { lines, consumed } = splitLines(bytes, from, final);
      // Drop the first partial line unless we start at 0.
      const clean = from > 0 ? lines.slice(1) : lines;
      const start = clean[0]?.offset ?? from + consumed;
      return {
        lines: makeLines(clean, stream),
        start,
        end: from + consumed,
        size: slice.size,
        generation: slice.generation,
      };
    },
    [read, mode],
  );

  // (Re)load on process/mode change, then follow ticks.
  useEffect(() => {
    let cancelled = false;
    setError(null);
    setWin(EMPTY);
    setSearch(null);
    setCurrent(-1);
    setFollow(true);
    const ends = new Map<LogStream, number>();
    const pending: LogStream[] = [];
    const init = async () => {
      if (single) {
        const w = await loadAt(null);
        if (!cancelled) {
          ends.set(streams[0]!, w.end);
          setWin(w);
        }
      } else {
        // Merged: the tail of each channel, then live lines in arrival order.
        let all: LogLine[] = [];
        for (const s of streams) {
          const probe = await read(s, 0, 0);
          const from = Math.max(0, probe.slice.size - CHUNK / 4);
          const { bytes } = await read(s, from, CHUNK / 4);
          const { lines, consumed } = splitLines(bytes, from);
          all = all.concat(makeLines(from > 0 ? lines.slice(1) : lines, s));
          ends.set(s, from + consumed);
        }
        if (!cancelled) setWin({ ...EMPTY, lines: all });
      }
    };
    const pump = async (): Promise<void> => {
      if (busy.current) return;
      busy.current = true;
      try {
        while (pending.length > 0 && !cancelled) {
          const s = pending.shift()!;
          const end = ends.get(s) ?? 0;
          const { slice, bytes } = await read(s, end, CHUNK);
          if (
            slice.size < end ||
            (single &&
              slice.generation !== winRef.current.generation &&
              winRef.current.generation !== '' &&
              slice.size < winRef.current.size)
          ) {
            // Cleared or rotated away: reload from the end.
            const w = await loadAt(null);
            ends.set(s, w.end);
            if (!cancelled) setWin(w);
            continue;
          }
          const { lines, consumed } = splitLines(bytes, end);
          ends.set(s, end + consumed);
          if (end + bytes.length < slice.size) pending.unshift(s);
          if (lines.length === 0 || cancelled) continue;
          const add = makeLines(lines, s);
          setWin((w) => {
            if (single && !followRef.current && w.end !== end) return { ...w, size: slice.size };
            const merged = appendBounded(w.lines, add, MAX_LINES);
            return {
              lines: merged,
              start: merged[0]?.offset ?? w.start,
              end: end + consumed,
              size: slice.size,
              generation: slice.generation,
            };
          });
        }
      } catch (e) {
        if (!cancelled) setError(String(e instanceof Error ? e.message : e));
      } finally {
        busy.current = false;
      }
    };
    const offs: (() => void)[] = [];
    void init()
      .then(() => {
        for (const s of streams) {
          offs.push(
            source.onLog(namespec, s, (tick) => {
              const end = ends.get(s) ?? 0;
              if (tick.size !== end) {
                if (!followRef.current && single) {
                  setWin((w) => ({ ...w, size: tick.size }));
                  return;
                }
                if (!pending.includes(s)) pending.push(s);
                void pump();
              }
            }),
          );
        }
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
    return () => {
      cancelled = true;
      for (const off of offs) off();
    };
  }, [source, namespec, mode]);

  const virt = useVirtualizer({
    count: win.lines.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => ROW,
    overscan: 20,
    getItemKey: (i) => win.lines[i]?.key ?? i,
  });

  // Follow: stick to the bottom.
  useEffect(() => {
    if (follow && win.lines.length > 0) virt.scrollToIndex(win.lines.length - 1, { align: 'end' });
  }, [follow, win.lines.length, virt]);

  const onScroll = () => {
    const el = parentRef.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (follow && !atBottom) setFollow(false);
    else if (!follow && atBottom && win.end >= win.size) setFollow(true);
    if (single && el.scrollTop < ROW * 5 && win.start > 0 && !busy.current) void loadEarlier();
  };

  const loadEarlier = async () => {
    busy.current = true;
    try {
      const w = winRef.current;
      const from = Math.max(0, w.start - CHUNK);
      const { bytes } = await read(streams[0]!, from, w.start - from);
      const { lines } = splitLines(bytes, from, true);
      const clean = makeLines(from > 0 ? lines.slice(1) : lines, streams[0]!);
      if (clean.length === 0) return;
      const merged = clean.concat(w.lines).slice(0, MAX_LINES);
      const last = merged[merged.length - 1];
      setWin({
        ...w,
        lines: merged,
        start: clean[0]!.offset,
        end: merged.length < w.lines.length + clean.length && last ? last.offset : w.end,
      });
      virt.scrollToIndex(clean.length, { align: 'start' });
    } finally {
      busy.current = false;
    }
  };

  const jumpTo = async (offset: number | null) => {
    const w = await loadAt(offset);
    setFollow(offset === null);
    setWin(w);
    const idx = offset === null ? w.lines.length - 1 : lineAtOffset(w.lines, offset);
    requestAnimationFrame(() => virt.scrollToIndex(Math.max(0, idx), { align: 'center' }));
  };

  // Search: over the whole log on the host for single streams; in memory for merged.
  const localMatches = useMemo(
    () => (single ? [] : findMatches(win.lines, query)),
    [single, win.lines, query],
  );
  const runSearch = async () => {
    if (!query) {
      setSearch(null);
      return;
    }
    if (!single) {
      setCurrent(-1);
      return;
    }
    const r = await source.searchLog(namespec, streams[0]!, query);
    setSearch(r);
    setCurrent(-1);
    if (r.offsets.length > 0) {
      setCurrent(r.offsets.length - 1);
      await jumpTo(r.offsets[r.offsets.length - 1]!);
    }
  };
  const step = async (dir: 1 | -1) => {
    if (single) {
      if (!search) return;
      const next = stepMatch(search.offsets.length, current, dir);
      setCurrent(next);
      if (next >= 0) await jumpTo(search.offsets[next]!);
    } else {
      const next = stepMatch(localMatches.length, current, dir);
      setCurrent(next);
      if (next >= 0) {
        setFollow(false);
        virt.scrollToIndex(localMatches[next]!, { align: 'center' });
      }
    }
  };
  const total = single ? (search?.total ?? 0) : localMatches.length;
  const currentOffset = single && search && current >= 0 ? search.offsets[current] : undefined;

  const copy = async () => {
    const sel = window.getSelection()?.toString();
    const text = sel || win.lines.map((l) => stripAnsi(l.text)).join('\n');
    await navigator.clipboard?.writeText(text).catch(() => undefined);
  };

  const onKey = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      if (search?.query === query || (!single && query)) void step(e.shiftKey ? -1 : 1);
      else void runSearch();
    }
  };

  return (
    <div className="logviewer" data-testid="log-viewer">
      <div className="logbar">
        {mode !== 'main' && (
          <div className="seg" role="tablist">
            {(['stdout', 'stderr', 'both'] as const).map((m) => (
              <button
                key={m}
                className={mode === m ? 'on' : ''}
                onClick={() => setMode(m)}
                data-testid={`log-mode-${m}`}
              >
                {m}
              </button>
            ))}
          </div>
        )}
        <input
          className="search"
          placeholder="Search log (Enter, Shift+Enter)"
          value={query}
          data-testid="log-search"
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={onKey}
        />
        <span className="count" data-testid="match-count">
          {query ? `${current >= 0 ? current + 1 : 0}/${total}` : ''}
        </span>
        <button onClick={() => void step(-1)} title="Previous match">
          ↑
        </button>
        <button onClick={() => void step(1)} title="Next match">
          ↓
        </button>
        <span className="spacer" />
        <button onClick={() => setWrap((w) => !w)} className={wrap ? 'on' : ''}>
          wrap
        </button>
        <button onClick={() => void copy()}>copy</button>
        <button
          onClick={() => (single ? void jumpTo(0) : virt.scrollToIndex(0))}
          title="Jump to start"
        >
          ⇤ start
        </button>
        <button
          onClick={() => (single ? void jumpTo(null) : setFollow(true))}
          className={follow ? 'on' : ''}
          data-testid="follow"
          title="Jump to end and follow"
        >
          follow ⇥
        </button>
      </div>
      {single && win.size > 0 && (
        <div className="logpos">
          {fmtBytes(win.start)}–{fmtBytes(win.end)} of {fmtBytes(win.size)}
          {win.end < win.size && !follow ? ' · paused' : ''}
        </div>
      )}
      {error && <div className="error">{error}</div>}
      <div
        ref={parentRef}
        className={`loglines ${wrap ? 'wrap' : ''}`}
        onScroll={onScroll}
        data-testid="log-lines"
      >
        <div style={{ height: virt.getTotalSize(), position: 'relative', width: '100%' }}>
          {virt.getVirtualItems().map((item) => {
            const line = win.lines[item.index]!;
            const isCurrent =
              (currentOffset !== undefined &&
                line.offset <= currentOffset &&
                (win.lines[item.index + 1]?.offset ?? Infinity) > currentOffset) ||
              (!single && localMatches[current] === item.index);
            return (
              <div
                key={item.key}
                data-index={item.index}
                ref={wrap ? virt.measureElement : undefined}
                className={`line ${line.stream} ${isCurrent ? 'current' : ''}`}
                style={{
                  position: 'absolute',
                  top: 0,
                  left: 0,
                  width: '100%',
                  transform: `translateY(${item.start}px)`,
                }}
              >
                {segmentsOf(line.text, query).map((s, i) => (
                  <span
                    key={i}
                    className={s.mark ? 'mark' : undefined}
                    style={{
                      color: s.fg ?? undefined,
                      backgroundColor: s.mark ? undefined : (s.bg ?? undefined),
                      fontWeight: s.bold ? 700 : undefined,
                      fontStyle: s.italic ? 'italic' : undefined,
                      textDecoration: s.underline ? 'underline' : undefined,
                    }}
                  >
                    {s.text}
                  </span>
                ))}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}
