import { describe, expect, it } from 'vitest';
import type { ProcessInfo } from '../../../main/engine/model/types.js';
import {
  actionsFor,
  badgeOf,
  describe as describeProc,
  formatUptime,
  groupActions,
  groupProcesses,
} from '../../../renderer/model/process-model.js';
import {
  findMatches,
  lineAtOffset,
  makeLines,
  safeText,
  segmentsOf,
  splitLines,
  stepMatch,
  stripAnsi,
} from '../../../renderer/model/log-model.js';

const info = (over: Partial<ProcessInfo>): ProcessInfo => ({
  name: 'web',
  group: 'web',
  description: '',
  start: 0,
  stop: 0,
  now: 0,
  state: 0,
  statename: 'STOPPED',
  spawnerr: '',
  exitstatus: 0,
  logfile: '',
  stdout_logfile: '',
  stderr_logfile: '',
  pid: 0,
  ...over,
});

describe('process model', () => {
  it('maps every state to a badge tone and text', () => {
    expect(badgeOf('RUNNING')).toEqual({ text: 'RUNNING', tone: 'ok' });
    expect(badgeOf('FATAL').tone).toBe('bad');
    expect(badgeOf('BACKOFF').tone).toBe('warn');
    expect(badgeOf('STARTING').tone).toBe('busy');
    expect(badgeOf('STOPPED').tone).toBe('idle');
  });

  it('enables buttons by state', () => {
    expect(actionsFor('STOPPED')).toMatchObject({ start: true, stop: false, signal: false });
    expect(actionsFor('RUNNING')).toMatchObject({
      start: false,
      stop: true,
      restart: true,
      signal: true,
    });
    expect(actionsFor('STOPPING')).toMatchObject({
      start: false,
      stop: false,
      restart: false,
      signal: true,
    });
    expect(actionsFor('FATAL')).toMatchObject({ start: true, stop: false });
    expect(actionsFor('BACKOFF')).toMatchObject({ start: true, stop: true, signal: false });
    expect(groupActions(['RUNNING', 'STOPPED'])).toMatchObject({ start: true, stop: true });
    expect(groupActions(['STOPPED', 'EXITED'])).toMatchObject({ start: true, stop: false });
  });

  it('formats uptime like supervisorctl and ticks it live', () => {
    expect(formatUptime(3723)).toBe('1:02:03');
    expect(formatUptime(86400 + 5)).toBe('1 day, 0:00:05');
    expect(formatUptime(3 * 86400)).toBe('3 days, 0:00:00');
    const p = info({ statename: 'RUNNING', state: 20, pid: 42, start: 1000, description: 'x' });
    expect(describeProc(p, 1065)).toBe('pid 42, uptime 0:01:05');
    expect(describeProc(info({ statename: 'EXITED', description: 'Nov 24 09:00 AM' }), 5)).toBe(
      'Nov 24 09:00 AM',
    );
  });

  it('groups in config order and filters by name, state and pid', () => {
    const ps = [
      info({ group: 'b', name: 'x', statename: 'RUNNING', pid: 77 }),
      info({ group: 'a', name: 'y' }),
      info({ group: 'a', name: 'z', statename: 'FATAL' }),
    ];
    expect(groupProcesses(ps, ['a', 'b'], '').map((g) => g.name)).toEqual(['a', 'b']);
    expect(groupProcesses(ps, ['a', 'b'], 'fatal')[0]?.processes.map((p) => p.name)).toEqual(['z']);
    expect(groupProcesses(ps, ['a', 'b'], '77').map((g) => g.name)).toEqual(['b']);
    expect(groupProcesses(ps, ['a', 'b'], 'a: y')[0]?.processes.map((p) => p.name)).toEqual(['y']);
  });
});

describe('log model', () => {
  const enc = (s: string) => new TextEncoder().encode(s);

  it('splits bytes into lines with offsets and keeps a partial tail', () => {
    const r = splitLines(enc('one\r\ntwo\nthr'), 100);
    expect(r.lines).toEqual([
      { offset: 100, text: 'one' },
      { offset: 105, text: 'two' },
    ]);
    expect(r.consumed).toBe(9);
    expect(splitLines(enc('tail'), 0, true).lines).toEqual([{ offset: 0, text: 'tail' }]);
  });

  it('shows invalid UTF-8 and control characters safely', () => {
    const r = splitLines(new Uint8Array([0x61, 0xff, 0xfe, 0x62, 0x0a]), 0);
    expect(r.lines[0]?.text).toBe('a\ufffd\ufffdb');
    expect(safeText('a\u0000b\u0007c\u001b[1m\td')).toBe('a\u2400b\u2407c\u001b[1m\td');
  });

  it('renders ANSI colours as segments and highlights matches', () => {
    const segs = segmentsOf('plain \u001b[31mred error\u001b[0m end', 'ERROR');
    expect(segs.map((s) => s.text).join('')).toBe('plain red error end');
    const red = segs.find((s) => s.text === 'red ');
    expect(red?.fg).toMatch(/^rgb\(/);
    const mark = segs.filter((s) => s.mark);
    expect(mark.map((s) => s.text)).toEqual(['error']);
    expect(mark[0]?.fg).toBe(red?.fg);
    expect(stripAnsi('\u001b[1;32mok\u001b[0m')).toBe('ok');
  });

  it('finds matches ignoring ANSI codes and steps with wrap-around', () => {
    const lines = makeLines(
      [
        { offset: 0, text: 'alpha' },
        { offset: 6, text: 'be\u001b[1mta\u001b[0m' },
        { offset: 20, text: 'gamma beta' },
      ],
      'stdout',
    );
    expect(findMatches(lines, 'beta')).toEqual([1, 2]);
    expect(findMatches(lines, '')).toEqual([]);
    expect(stepMatch(2, -1, 1)).toBe(0);
    expect(stepMatch(2, 1, 1)).toBe(0);
    expect(stepMatch(2, 0, -1)).toBe(1);
    expect(stepMatch(0, 0, 1)).toBe(-1);
    expect(lineAtOffset(lines, 7)).toBe(1);
    expect(lineAtOffset(lines, 25)).toBe(2);
  });
});
