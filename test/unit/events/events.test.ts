import { PassThrough } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { BoundBuffer, CaptureParser, prefixAtEnd } from '../../../main/engine/events/capture.js';
import { EventBus } from '../../../main/engine/events/bus.js';
import { EventHub, timeslice } from '../../../main/engine/events/listener-pool.js';
import {
  EventListener,
  eventData,
  getHeaders,
} from '../../../main/engine/events/listener-helper.js';
import { ListenerProtocol } from '../../../main/engine/events/protocol.js';
import {
  envelope,
  EVENT_TYPE_NAMES,
  eventName,
  eventPayload,
  isSubtype,
  pyBytesRepr,
  pyDecode,
} from '../../../main/engine/events/types.js';
import { MainLogger } from '../../../main/engine/logs/main-logger.js';
import { EventListenerStates as L, ProcessStates as S } from '../../../main/engine/model/states.js';
import type { EngineEvent, StateTransition } from '../../../main/engine/model/types.js';
import type { Clock } from '../../../main/engine/process/clock.js';

function transition(over: Partial<StateTransition>): StateTransition {
  return {
    at: 0,
    name: 'web',
    group: 'grp',
    from: S.STOPPED,
    to: S.STARTING,
    pid: 0,
    tries: 0,
    expected: null,
    exitstatus: null,
    ...over,
  };
}

describe('event types', () => {
  it('has exactly supervisord’s EventTypes names', () => {
    expect([...EVENT_TYPE_NAMES].sort()).toEqual(
      [
        'EVENT',
        'PROCESS_STATE',
        'PROCESS_STATE_STOPPED',
        'PROCESS_STATE_EXITED',
        'PROCESS_STATE_STARTING',
        'PROCESS_STATE_STOPPING',
        'PROCESS_STATE_BACKOFF',
        'PROCESS_STATE_FATAL',
        'PROCESS_STATE_RUNNING',
        'PROCESS_STATE_UNKNOWN',
        'PROCESS_COMMUNICATION',
        'PROCESS_COMMUNICATION_STDOUT',
        'PROCESS_COMMUNICATION_STDERR',
        'PROCESS_LOG',
        'PROCESS_LOG_STDOUT',
        'PROCESS_LOG_STDERR',
        'REMOTE_COMMUNICATION',
        'SUPERVISOR_STATE_CHANGE',
        'SUPERVISOR_STATE_CHANGE_RUNNING',
        'SUPERVISOR_STATE_CHANGE_STOPPING',
        'TICK',
        'TICK_5',
        'TICK_60',
        'TICK_3600',
        'PROCESS_GROUP',
        'PROCESS_GROUP_ADDED',
        'PROCESS_GROUP_REMOVED',
      ].sort(),
    );
  });

  it('abstract parents include their subtypes, and nothing else', () => {
    expect(isSubtype('PROCESS_STATE_EXITED', 'PROCESS_STATE')).toBe(true);
    expect(isSubtype('PROCESS_STATE_EXITED', 'EVENT')).toBe(true);
    expect(isSubtype('TICK_60', 'TICK')).toBe(true);
    expect(isSubtype('TICK_60', 'TICK_5')).toBe(false);
    expect(isSubtype('PROCESS_LOG_STDOUT', 'PROCESS_COMMUNICATION')).toBe(false);
    expect(isSubtype('REMOTE_COMMUNICATION', 'REMOTE_COMMUNICATION')).toBe(true);
    expect(isSubtype('SUPERVISOR_STATE_CHANGE_STOPPING', 'SUPERVISOR_STATE_CHANGE')).toBe(true);
  });

  it('renders PROCESS_STATE payloads with the per-state tokens', () => {
    const p = (t: Partial<StateTransition>) =>
      eventPayload({ type: 'process-state', transition: transition(t) });
    expect(p({ from: S.STOPPED, to: S.STARTING, tries: 0 })).toBe(
      'processname:web groupname:grp from_state:STOPPED tries:0',
    );
    expect(p({ from: S.STARTING, to: S.BACKOFF, tries: 2 })).toBe(
      'processname:web groupname:grp from_state:STARTING tries:2',
    );
    expect(p({ from: S.STARTING, to: S.RUNNING, pid: 42 })).toBe(
      'processname:web groupname:grp from_state:STARTING pid:42',
    );
    expect(p({ from: S.RUNNING, to: S.EXITED, pid: 42, expected: false })).toBe(
      'processname:web groupname:grp from_state:RUNNING expected:0 pid:42',
    );
    expect(p({ from: S.RUNNING, to: S.EXITED, pid: 42, expected: true })).toBe(
      'processname:web groupname:grp from_state:RUNNING expected:1 pid:42',
    );
    expect(p({ from: S.BACKOFF, to: S.FATAL, tries: 0 })).toBe(
      'processname:web groupname:grp from_state:BACKOFF',
    );
    expect(p({ from: S.STOPPING, to: S.UNKNOWN })).toBe(
      'processname:web groupname:grp from_state:STOPPING',
    );
    expect(
      eventName({
        type: 'process-state',
        transition: transition({ to: S.STOPPED, from: S.STOPPING }),
      }),
    ).toBe('PROCESS_STATE_STOPPED');
  });

  it('renders the other payloads as supervisord does', () => {
    const cases: [EngineEvent, string, string][] = [
      [
        {
          type: 'process-log',
          name: 'a',
          group: 'g',
          channel: 'stderr',
          pid: 7,
          data: Buffer.from('x\n'),
        },
        'PROCESS_LOG_STDERR',
        'processname:a groupname:g pid:7 channel:stderr\nx\n',
      ],
      [
        {
          type: 'process-communication',
          name: 'a',
          group: 'g',
          channel: 'stdout',
          pid: 7,
          data: Buffer.from('c'),
        },
        'PROCESS_COMMUNICATION_STDOUT',
        'processname:a groupname:g pid:7\nc',
      ],
      [
        { type: 'remote-communication', commType: 'ty', data: 'd' },
        'REMOTE_COMMUNICATION',
        'type:ty\nd',
      ],
      [{ type: 'supervisor-state', state: 'STOPPING' }, 'SUPERVISOR_STATE_CHANGE_STOPPING', ''],
      [
        { type: 'process-group', action: 'removed', group: 'g' },
        'PROCESS_GROUP_REMOVED',
        'groupname:g\n',
      ],
      [{ type: 'tick', period: 60, when: 1200 }, 'TICK_60', 'when:1200'],
    ];
    for (const [e, name, payload] of cases) {
      expect(eventName(e)).toBe(name);
      expect(eventPayload(e)).toBe(payload);
    }
    expect(eventName({ type: 'listener-state', name: 'l', group: 'l', state: L.READY })).toBeNull();
  });

  it('measures len in characters and sends UTF-8, like Python', () => {
    const buf = envelope({
      identifier: 'sup',
      serial: 3,
      pool: 'p',
      poolSerial: 1,
      eventName: 'REMOTE_COMMUNICATION',
      payload: 'type:t\nhé😀',
    });
    expect(buf.toString('utf8')).toBe(
      'ver:3.0 server:sup serial:3 pool:p poolserial:1 eventname:REMOTE_COMMUNICATION len:10\ntype:t\nhé😀',
    );
  });

  it('reports undecodable output as Python’s repr', () => {
    expect(pyDecode(Buffer.from([0x61, 0xff, 0x0a, 0x27]))).toBe(`Undecodable: b"a\\xff\\n'"`);
    expect(pyBytesRepr(Buffer.from('a\\b\t'))).toBe("b'a\\\\b\\t'");
    expect(pyDecode(Buffer.from('ok é'))).toBe('ok é');
  });

  it('the helper parses headers as childutils does', () => {
    expect(getHeaders('ver:3.0 server:x len:5\n')).toEqual({ ver: '3.0', server: 'x', len: '5' });
    expect(eventData('processname:a groupname:g pid:1\nbody\nmore')).toEqual([
      { processname: 'a', groupname: 'g', pid: '1' },
      'body\nmore',
    ]);
  });
});

describe('TypeScript listener helper', () => {
  it('speaks READY / RESULT and reads len characters of multi-byte payloads split anywhere', async () => {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const written: string[] = [];
    stdout.on('data', (d: Buffer) => written.push(d.toString()));
    const l = new EventListener({ stdin, stdout });
    const bytes = Buffer.concat([
      envelope({
        identifier: 's',
        serial: 0,
        pool: 'p',
        poolSerial: 0,
        eventName: 'REMOTE_COMMUNICATION',
        payload: 'type:t\nhé😀',
      }),
      envelope({
        identifier: 's',
        serial: 1,
        pool: 'p',
        poolSerial: 1,
        eventName: 'TICK_5',
        payload: 'when:5',
      }),
    ]);
    const first = l.next();
    for (let i = 0; i < bytes.length; i += 3) stdin.write(bytes.subarray(i, i + 3));
    const e1 = await first;
    expect(e1.payload).toBe('type:t\nhé😀');
    expect(e1.serial).toBe(0);
    l.fail();
    const e2 = await l.next();
    expect([e2.eventname, e2.payload, e2.poolserial]).toEqual(['TICK_5', 'when:5', 1]);
    l.ok();
    expect(written.join('')).toBe('READY\nRESULT 4\nFAILREADY\nRESULT 2\nOK');
  });
});

describe('capture mode', () => {
  function run(maxbytes: number, chunks: string[]) {
    const out: string[] = [];
    const comm: string[] = [];
    const p = new CaptureParser(maxbytes, {
      output: (d, captured) => out.push(`${captured ? 'C' : 'L'}:${d.toString()}`),
      communication: (d) => comm.push(d.toString()),
    });
    for (const c of chunks) p.feed(Buffer.from(c));
    p.end();
    return { out, comm };
  }

  it('captures between the tokens, even when they are split across reads', () => {
    const { out, comm } = run(100, [
      'before <!--XSUPER',
      'VISOR:BEGIN-->in',
      'side<!--XSUPERVISOR:E',
      'ND--> after',
    ]);
    expect(comm).toEqual(['inside']);
    expect(out.filter((x) => x.startsWith('L')).join('')).toBe('L:before L: after');
    expect(out.filter((x) => x.startsWith('C')).join('')).toBe('C:inC:side');
  });

  it('handles several messages in one read and a partial token at the end of the stream', () => {
    const { out, comm } = run(100, [
      '<!--XSUPERVISOR:BEGIN-->a<!--XSUPERVISOR:END--><!--XSUPERVISOR:BEGIN-->b<!--XSUPERVISOR:END--><!--X',
    ]);
    expect(comm).toEqual(['a', 'b']);
    expect(out).toEqual(['C:a', 'C:b', 'L:<!--X']);
  });

  it('bounds the capture buffer as supervisord’s BoundIO', () => {
    const b = new BoundBuffer(5);
    b.write(Buffer.from('abc'));
    b.write(Buffer.from('de'));
    b.write(Buffer.from('fg'));
    expect(b.getvalue().toString()).toBe('cdefg');
    const { comm } = run(4, ['<!--XSUPERVISOR:BEGIN-->12', '345', '<!--XSUPERVISOR:END-->']);
    expect(comm).toEqual(['345']);
  });

  it('finds token prefixes at the end', () => {
    expect(prefixAtEnd(Buffer.from('xx<!--'), Buffer.from('<!--XSUPERVISOR:END-->'))).toBe(4);
    expect(prefixAtEnd(Buffer.from('xx'), Buffer.from('<!--XSUPERVISOR:END-->'))).toBe(0);
  });
});

describe('listener protocol', () => {
  function proto() {
    const log: string[] = [];
    const rejected: string[] = [];
    const states: number[] = [];
    const p = new ListenerProtocol<string>('l', {
      debug: (m) => log.push(`D ${m}`),
      warn: (m) => log.push(`W ${m}`),
      stateChanged: (_f, t) => states.push(t),
      rejected: (e) => rejected.push(e),
    });
    return { p, log, rejected, states };
  }

  it('READY → BUSY → RESULT OK → ACKNOWLEDGED, with the result split across reads', () => {
    const { p, log, rejected } = proto();
    p.feed(Buffer.from('REA'));
    expect(p.state).toBe(L.ACKNOWLEDGED);
    p.feed(Buffer.from('DY\n'));
    expect(p.state).toBe(L.READY);
    p.sent('e1');
    p.feed(Buffer.from('RESULT 2'));
    p.feed(Buffer.from('\nO'));
    expect(p.state).toBe(L.BUSY);
    p.feed(Buffer.from('KREADY\n'));
    expect(p.state).toBe(L.READY);
    expect(rejected).toEqual([]);
    expect(log).toContain('D l: event was processed');
  });

  it('FAIL rejects the event and returns to ACKNOWLEDGED', () => {
    const { p, log, rejected } = proto();
    p.feed(Buffer.from('READY\n'));
    p.sent('e1');
    p.feed(Buffer.from('RESULT 4\nFAIL'));
    expect(p.state).toBe(L.ACKNOWLEDGED);
    expect(rejected).toEqual(['e1']);
    expect(log).toContain('W l: event was rejected');
  });

  it('a bad result line puts the listener in UNKNOWN and rejects its event', () => {
    const { p, log, rejected } = proto();
    p.feed(Buffer.from('READY\n'));
    p.sent('e1');
    p.feed(Buffer.from('RESULT x\n'));
    expect(p.state).toBe(L.UNKNOWN);
    expect(rejected).toEqual(['e1']);
    expect(log).toContain("W l: bad result line: 'RESULT x'");
  });

  it('output while READY, or garbage instead of READY, is a protocol violation', () => {
    const a = proto();
    a.p.feed(Buffer.from('READY\nhello'));
    expect(a.p.state).toBe(L.UNKNOWN);
    const b = proto();
    b.p.feed(Buffer.from('hello world\n'));
    expect(b.p.state).toBe(L.UNKNOWN);
    expect(b.log.some((m) => m.includes('has entered the UNKNOWN state'))).toBe(true);
    b.p.reset();
    expect(b.p.state).toBe(L.ACKNOWLEDGED);
  });
});

describe('event hub', () => {
  class FakeClock implements Clock {
    t = 1_000_000_002_000;
    timers: { at: number; fn: () => void }[] = [];
    now = () => this.t;
    setTimeout = (fn: () => void, ms: number) => {
      const h = { at: this.t + ms, fn };
      this.timers.push(h);
      return h;
    };
    clearTimeout = (h: unknown) => {
      this.timers = this.timers.filter((x) => x !== h);
    };
    advanceTo(t: number) {
      for (;;) {
        this.timers.sort((a, b) => a.at - b.at);
        const next = this.timers[0];
        if (!next || next.at > t) break;
        this.timers.shift();
        this.t = next.at;
        next.fn();
      }
      this.t = t;
    }
  }

  it('emits TICK_5/60/3600 when each time slice rolls over, with the slice start as `when`', () => {
    const clock = new FakeClock();
    const bus = new EventBus();
    const ticks: string[] = [];
    bus.subscribe((e) => {
      if (e.type === 'tick') ticks.push(`${e.period}@${e.when}`);
    });
    const hub = new EventHub({
      bus,
      clock,
      logger: () => new MainLogger({ level: 'critical', file: null, maxBytes: 0, backups: 0 }),
      identifier: () => 'x',
    });
    hub.startTicks();
    clock.advanceTo(1_000_000_071_000);
    hub.stopTicks();
    clock.advanceTo(1_000_000_200_000);
    const fives = ticks.filter((t) => t.startsWith('5@'));
    expect(fives[0]).toBe('5@1000000005');
    expect(fives).toHaveLength(14);
    expect(ticks.filter((t) => t.startsWith('60@'))).toEqual(['60@1000000020']);
    // TICK_5 of the same instant comes first, as supervisord's TICK_EVENTS order
    expect(ticks.indexOf('60@1000000020')).toBe(ticks.indexOf('5@1000000020') + 1);
    expect(timeslice(3600, 7199.5)).toBe(3600);
  });
});
