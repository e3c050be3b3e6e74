/**
 * No event is lost when a listener answers FAIL or dies mid-event; a slow listener with a full
 * buffer loses the oldest events and the activity log says which. Each case runs on Paddock with
 * the childutils listener and with the TypeScript-helper listener, and on the real supervisord.
 */
import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../../helpers/config.js';
import { confHeader, haveRealSupervisord } from '../../helpers/daemon.js';
import { eventually } from '../../helpers/engine.js';
import {
  type Driver,
  normalize,
  paddockDriver,
  pyListener,
  readRecords,
  supervisordDriver,
  tsListenerBuilder,
  waitRecord,
} from '../../helpers/events-listener.js';

type Setup = 'paddock+python' | 'paddock+typescript' | 'supervisord+python';
const SETUPS: Setup[] = ['paddock+python', 'paddock+typescript'];
if (haveRealSupervisord()) SETUPS.push('supervisord+python');

let tsListener: (out: string, mode?: string) => string;
beforeAll(async () => {
  tsListener = await tsListenerBuilder(tempDir('paddock-tslistener-'));
});

async function setUp(
  setup: Setup,
  mode: string,
  extra: string,
  events = 'REMOTE_COMMUNICATION',
): Promise<{ d: Driver; out: string; dir: string }> {
  const dir = tempDir('paddock-ev-delivery-');
  const out = path.join(dir, 'records.jsonl');
  const cmd = setup === 'paddock+typescript' ? tsListener(out, mode) : pyListener(out, mode);
  const conf = path.join(dir, 'supervisord.conf');
  fs.writeFileSync(
    conf,
    `${confHeader(dir)}
[eventlistener:listener]
command=${cmd}
events=${events}
${extra}
`,
  );
  const d =
    setup === 'supervisord+python'
      ? await supervisordDriver(conf, path.join(dir, 'rpc.sock'))
      : await paddockDriver(conf);
  return { d, out, dir };
}

function rec(result: string, serial: number, data: string): string {
  return `${result} ver:3.0 server:supervisor serial:${serial} pool:listener poolserial:${serial} eventname:REMOTE_COMMUNICATION len:ok\ntype:t\n${data}`;
}

describe.each(SETUPS)('%s', (setup) => {
  it('a listener answering FAIL gets the same event again, before later ones', async () => {
    const { d, out } = await setUp(setup, 'fail-first', '');
    try {
      for (const x of ['r1', 'r2', 'r3']) await d.sendRemoteCommEvent('t', x);
      await waitRecord(out, 'REMOTE_COMMUNICATION', 'r3', 0);
      await eventually(() => readRecords(out).length >= 6, 'six deliveries');
      expect(normalize(readRecords(out))).toEqual([
        rec('FAIL', 0, 'r1'),
        rec('OK', 0, 'r1'),
        rec('FAIL', 1, 'r2'),
        rec('OK', 1, 'r2'),
        rec('FAIL', 2, 'r3'),
        rec('OK', 2, 'r3'),
      ]);
      expect(await d.mainLog()).toMatch(/WARN listener: event was rejected/);
    } finally {
      await d.stop();
    }
  }, 60_000);

  it('a listener dying mid-event gets the event again after its restart', async () => {
    const { d, out } = await setUp(setup, 'die-on:REMOTE_COMMUNICATION', 'autorestart=true');
    try {
      await d.sendRemoteCommEvent('t', 'r1');
      await d.sendRemoteCommEvent('t', 'r2');
      await eventually(() => readRecords(out).length >= 3, 'three deliveries');
      expect(normalize(readRecords(out))).toEqual([
        rec('DIE', 0, 'r1'),
        rec('OK', 0, 'r1'),
        rec('OK', 1, 'r2'),
      ]);
    } finally {
      await d.stop();
    }
  }, 60_000);

  it('an event matching two entries of events= is delivered twice (supervisord subscribes per entry)', async () => {
    const { d, out } = await setUp(setup, 'ok', '', 'REMOTE_COMMUNICATION,EVENT');
    try {
      await d.sendRemoteCommEvent('t', 'r1');
      const remote = () =>
        readRecords(out).filter((r) => r.headers.eventname === 'REMOTE_COMMUNICATION');
      await eventually(() => remote().length >= 2, 'two deliveries');
      const [a, b] = remote();
      expect(a?.payload).toBe('type:t\nr1');
      expect(b?.payload).toBe('type:t\nr1');
      expect([b?.headers.serial, b?.headers.poolserial]).toEqual([
        a?.headers.serial,
        a?.headers.poolserial,
      ]);
    } finally {
      await d.stop();
    }
  }, 60_000);

  it('a pool of two listeners: each event goes to one READY listener, the rest wait', async () => {
    const { d, out } = await setUp(
      setup,
      'gate',
      'numprocs=2\nprocess_name=%(program_name)s_%(process_num)d',
    );
    try {
      await d.sendRemoteCommEvent('t', 'r1');
      await d.sendRemoteCommEvent('t', 'r2');
      await eventually(() => readRecords(out).length >= 2, 'both listeners holding an event');
      await d.sendRemoteCommEvent('t', 'r3');
      const held = readRecords(out);
      expect(held.map((r) => r.result)).toEqual(['HELD', 'HELD']);
      expect(new Set(held.map((r) => r.who))).toEqual(new Set(['listener_0', 'listener_1']));
      expect(held.map((r) => r.payload).sort()).toEqual(['type:t\nr1', 'type:t\nr2']);
      fs.writeFileSync(`${out}.go`, '');
      await eventually(() => readRecords(out).length >= 5, 'every event answered');
      const done = readRecords(out).filter((r) => r.result === 'OK');
      expect(done.map((r) => r.payload).sort()).toEqual(['type:t\nr1', 'type:t\nr2', 'type:t\nr3']);
      expect(done.find((r) => r.payload.endsWith('r3'))?.headers.poolserial).toBe('2');
    } finally {
      await d.stop();
    }
  }, 60_000);

  it('a slow listener with a full buffer loses the oldest events, and the log names them', async () => {
    const { d, out } = await setUp(setup, 'gate', 'buffer_size=3');
    try {
      await d.sendRemoteCommEvent('t', 'r1');
      await waitRecord(out, 'REMOTE_COMMUNICATION', 'r1');
      for (const x of ['r2', 'r3', 'r4', 'r5', 'r6', 'r7']) await d.sendRemoteCommEvent('t', x);
      await eventually(
        async () => (await d.mainLog()).includes('discarding event 3'),
        'overflow messages',
      );
      fs.writeFileSync(`${out}.go`, '');
      await eventually(() => readRecords(out).length >= 5, 'five records');
      expect(normalize(readRecords(out))).toEqual([
        rec('HELD', 0, 'r1'),
        rec('OK', 0, 'r1'),
        rec('OK', 4, 'r5'),
        rec('OK', 5, 'r6'),
        rec('OK', 6, 'r7'),
      ]);
      const overflow = (await d.mainLog()).split('\n').filter((l) => l.includes('overflowed'));
      expect(overflow.map((l) => l.replace(/^\S+ \S+ /, ''))).toEqual([
        'ERRO pool listener event buffer overflowed, discarding event 1',
        'ERRO pool listener event buffer overflowed, discarding event 2',
        'ERRO pool listener event buffer overflowed, discarding event 3',
      ]);
    } finally {
      await d.stop();
    }
  }, 60_000);
});
