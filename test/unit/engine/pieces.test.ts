import fs from 'node:fs';
import path from 'node:path';

import { describe, expect, it } from 'vitest';

import { RotatingFile } from '../../../main/engine/logs/rotating-file.js';
import { stripEscapes } from '../../../main/engine/logs/output-channel.js';
import { ProcessStates as S } from '../../../main/engine/model/states.js';
import type { ProcessInfo } from '../../../main/engine/model/types.js';
import { getExecvArgs, pyRepr, shlexSplit } from '../../../main/engine/process/command.js';
import { signalName, signalNumber } from '../../../main/engine/process/signals.js';
import {
  describe as describeInfo,
  readFileRange,
  splitNamespec,
  tailFile,
} from '../../../main/engine/supervisor.js';
import { tempDir } from '../../helpers/config.js';

describe('shlexSplit (POSIX shlex.split)', () => {
  it.each([
    ['a b  c', ['a', 'b', 'c']],
    [`bash -c 'echo "hi there"'`, ['bash', '-c', 'echo "hi there"']],
    [`a "b \\" c" d`, ['a', 'b " c', 'd']],
    ['a\\ b c', ['a b', 'c']],
    ["x ''", ['x', '']],
    ['cmd # comment', ['cmd']],
    ['a#b', ['a#b']],
  ])('%s', (input, out) => {
    expect(shlexSplit(input)).toEqual(out);
  });
  it('rejects an unclosed quote as shlex does', () => {
    expect(() => shlexSplit(`a 'b`)).toThrow('No closing quotation');
  });
});

describe('getExecvArgs (supervisord get_execv_args)', () => {
  it('finds a program on PATH', () => {
    const r = getExecvArgs('sh -c true', ['/nonexistent', '/bin', '/usr/bin']);
    expect(r).toEqual({ ok: true, file: '/bin/sh', argv: ['sh', '-c', 'true'] });
  });
  it("reports supervisord's texts for missing, directory and non-executable commands", () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'noexec'), '#!/bin/sh\n', { mode: 0o644 });
    expect(getExecvArgs('nope-xyz', ['/bin'])).toEqual({
      ok: false,
      problem: { kind: 'NotFound', message: "can't find command 'nope-xyz'" },
    });
    expect(getExecvArgs(dir, [])).toEqual({
      ok: false,
      problem: { kind: 'NotExecutable', message: `command at '${dir}' is a directory` },
    });
    expect(getExecvArgs(`${dir}/noexec`, [])).toEqual({
      ok: false,
      problem: { kind: 'NotExecutable', message: `command at '${dir}/noexec' is not executable` },
    });
    expect(getExecvArgs('', [])).toEqual({
      ok: false,
      problem: { kind: 'BadCommand', message: 'command is empty' },
    });
  });
  it('quotes like Python repr', () => {
    expect(pyRepr("it's")).toBe(`"it's"`);
    expect(pyRepr('a\\b')).toBe(`'a\\\\b'`);
  });
});

describe('signals', () => {
  it('accepts names with or without SIG and numbers; rejects others', () => {
    expect(signalNumber('TERM')).toBe(15);
    expect(signalNumber('sigkill')).toBe(9);
    expect(signalNumber('1')).toBe(1);
    expect(signalNumber('NOPE')).toBeUndefined();
    expect(signalNumber('999')).toBeUndefined();
    expect(signalName(15)).toBe('SIGTERM');
  });
});

describe('splitNamespec', () => {
  it.each([
    ['foo', ['foo', 'foo']],
    ['grp:foo', ['grp', 'foo']],
    ['grp:*', ['grp', null]],
    ['grp:', ['grp', null]],
  ] as const)('%s', (ns, out) => {
    expect(splitNamespec(ns)).toEqual(out);
  });
});

describe('process description (supervisord _interpretProcessInfo)', () => {
  const base: ProcessInfo = {
    name: 'web',
    group: 'web',
    description: '',
    start: 1000,
    stop: 0,
    now: 1000,
    state: S.RUNNING,
    statename: 'RUNNING',
    spawnerr: '',
    exitstatus: 0,
    logfile: '',
    stdout_logfile: '',
    stderr_logfile: '',
    pid: 42,
  };
  it('RUNNING shows pid and uptime, with days past 24 h', () => {
    expect(describeInfo({ ...base, now: 1000 + 3723 })).toBe('pid 42, uptime 1:02:03');
    expect(describeInfo({ ...base, now: 1000 + 86400 * 2 + 5 })).toBe(
      'pid 42, uptime 2 days, 0:00:05',
    );
    expect(describeInfo({ ...base, now: 1000 + 86400 })).toBe('pid 42, uptime 1 day, 0:00:00');
  });
  it('FATAL/BACKOFF show spawnerr or a hint', () => {
    expect(describeInfo({ ...base, state: S.FATAL, spawnerr: 'boom' })).toBe('boom');
    expect(describeInfo({ ...base, state: S.BACKOFF })).toBe('unknown error (try "tail web")');
  });
  it('STOPPED shows Not started, or the stop time', () => {
    expect(describeInfo({ ...base, state: S.STOPPED, start: 0 })).toBe('Not started');
    expect(describeInfo({ ...base, state: S.EXITED, stop: 1_700_000_000 })).toMatch(
      /^[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M$/,
    );
  });
});

describe('stripEscapes (supervisord dispatchers.stripEscapes)', () => {
  it('drops ESC[ … terminator sequences and keeps the rest', () => {
    expect(stripEscapes(Buffer.from('\x1b[1;31mred\x1b[0m ok\x1b[2K')).toString()).toBe('red ok');
    expect(stripEscapes(Buffer.from('plain')).toString()).toBe('plain');
  });
});

describe('RotatingFile', () => {
  it('rolls over after the write that reaches maxBytes, keeping `backups` files', async () => {
    const dir = tempDir();
    const f = new RotatingFile({ path: `${dir}/x.log`, maxBytes: 10, backups: 2 });
    for (const s of ['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'dd']) {
      f.write(Buffer.from(s));
      await f.flush();
    }
    await f.close();
    expect(fs.readFileSync(`${dir}/x.log`, 'utf8')).toBe('dd');
    expect(fs.readFileSync(`${dir}/x.log.1`, 'utf8')).toBe('cccccccccc');
    expect(fs.readFileSync(`${dir}/x.log.2`, 'utf8')).toBe('bbbbbbbbbb');
    expect(fs.existsSync(`${dir}/x.log.3`)).toBe(false);
  });
  it('with backups=0 truncates instead', async () => {
    const dir = tempDir();
    const f = new RotatingFile({ path: `${dir}/x.log`, maxBytes: 4, backups: 0 });
    f.write(Buffer.from('12345'));
    await f.flush();
    f.write(Buffer.from('ab'));
    await f.close();
    expect(fs.readFileSync(`${dir}/x.log`, 'utf8')).toBe('ab');
    expect(fs.existsSync(`${dir}/x.log.1`)).toBe(false);
  });
  it('reports a write failure once and recovers, counting dropped bytes', async () => {
    const dir = tempDir();
    const events: string[] = [];
    const f = new RotatingFile({
      path: `${dir}/x.log`,
      maxBytes: 0,
      backups: 0,
      onError: (err, dropped) => events.push(err ? `error ${err.code}` : `recovered ${dropped}`),
    });
    // Make the fd unusable by closing the directory entry's file descriptor through a reopen onto a directory.
    fs.rmSync(`${dir}/x.log`);
    fs.mkdirSync(`${dir}/x.log`);
    await f.reopen();
    f.write(Buffer.from('lost1'));
    f.write(Buffer.from('lost2'));
    await f.flush();
    fs.rmdirSync(`${dir}/x.log`);
    await f.reopen();
    f.write(Buffer.from('kept'));
    await f.close();
    expect(events[0]).toMatch(/^error E/);
    expect(events.filter((e) => e.startsWith('error'))).toHaveLength(1);
    expect(events.at(-1)).toMatch(/^recovered \d+/);
    expect(fs.readFileSync(`${dir}/x.log`, 'utf8')).toBe('kept');
  });
});

describe('readFileRange / tailFile', () => {
  const dir = tempDir();
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'abcdefghij');
  it('reads like supervisord readFile', () => {
    expect(readFileRange(file, 0, 0).toString()).toBe('abcdefghij');
    expect(readFileRange(file, 8, 100).toString()).toBe('ij');
    expect(readFileRange(file, -3, 0).toString()).toBe('hij');
    expect(readFileRange(file, -30, 0).toString()).toBe('abcdefghij');
    expect(() => readFileRange(file, 0, -1)).toThrow('BAD_ARGUMENTS');
    expect(() => readFileRange(`${file}.missing`, 0, 0)).toThrow('FAILED');
  });
  it('tails like supervisord tailFile', () => {
    expect(tailFile(file, 0, 100).map(String)).toEqual(['abcdefghij', '10', 'false']);
    expect(tailFile(file, 0, 3).map(String)).toEqual(['hij', '10', 'true']);
    expect(tailFile(file, 20, 5).map(String)).toEqual(['', '10', 'false']);
  });
});
