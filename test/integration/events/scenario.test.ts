/**
 * Listeners written with Debian's `supervisor.childutils` (Python) and with Paddock's TypeScript
 * helper receive the exact events of a scripted sequence; the same script run on the REAL
 * supervisord must deliver the same events (pids masked; serials, lengths and payloads equal).
 */
import fs from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import { tempDir } from '../../helpers/config.js';
import { confHeader, haveRealSupervisord } from '../../helpers/daemon.js';
import {
  COMM,
  type Driver,
  normalize,
  paddockDriver,
  pyListener,
  readRecords,
  supervisordDriver,
  tsListenerBuilder,
  waitRecord,
} from '../../helpers/events-listener.js';

const HAVE_SUPERVISORD = haveRealSupervisord();
const CAPTURED = '<!--XSUPERVISOR:BEGIN-->captured line one\\ncaptured two<!--XSUPERVISOR:END-->';

function scenarioConf(dir: string, listenerCmd: string): string {
  return `${confHeader(dir)}
[eventlistener:listener]
command=${listenerCmd}
events=PROCESS_STATE,PROCESS_LOG,PROCESS_COMMUNICATION,REMOTE_COMMUNICATION,SUPERVISOR_STATE_CHANGE,PROCESS_GROUP
buffer_size=20

[program:fatal]
command=/bin/false
autostart=false
startretries=1
; far above a loaded machine's loop delay: supervisord promotes STARTING to RUNNING on a late
; tick before it reaps the exit, which would turn this crash loop into RUNNING/EXITED
startsecs=10

[program:sleeper]
command=/bin/sleep 1000
autostart=false
startsecs=0

[program:talker]
command=${COMM}
autostart=false
startsecs=0
autorestart=false
stdout_events_enabled=true
stderr_events_enabled=true
stdout_capture_maxbytes=1KB
stdout_logfile=${dir}/talker.out
`;
}

/** The script; every step waits until the listener has the event the step causes. */
async function runScenario(d: Driver, out: string): Promise<string[]> {
  const at = () => readRecords(out).length;
  try {
    await waitRecord(out, 'PROCESS_STATE_RUNNING', 'processname:listener');
    let n = at();
    await d.startProcess('talker', true);
    await waitRecord(out, 'PROCESS_STATE_RUNNING', 'processname:talker', n);
    n = at();
    await d.sendProcessStdin('talker', 'out:a plain stdout line from the talker\\n\n');
    await waitRecord(out, 'PROCESS_LOG_STDOUT', 'a plain stdout line', n);
    n = at();
    await d.sendProcessStdin('talker', 'err:a stderr line from the talker\\n\n');
    await waitRecord(out, 'PROCESS_LOG_STDERR', 'a stderr line', n);
    n = at();
    await d.sendProcessStdin('talker', `out:${CAPTURED}\n`);
    await waitRecord(out, 'PROCESS_COMMUNICATION_STDOUT', 'captured two', n);
    n = at();
    await d.sendRemoteCommEvent('paddock-test', 'remote data\nwith two lines');
    await waitRecord(out, 'REMOTE_COMMUNICATION', 'remote data', n);
    n = at();
    await d.sendProcessStdin('talker', 'exit:3\n');
    await waitRecord(out, 'PROCESS_STATE_EXITED', 'processname:talker', n);
    n = at();
    // supervisord may already answer SPAWN_ERROR when /bin/false exited before the reply; the
    // events must be the same either way
    await d.startProcess('fatal', false).catch(() => undefined);
    await waitRecord(out, 'PROCESS_STATE_FATAL', 'processname:fatal', n);
    n = at();
    await d.startProcess('sleeper', true);
    await waitRecord(out, 'PROCESS_STATE_RUNNING', 'processname:sleeper', n);
    n = at();
    await d.stopProcess('sleeper');
    await waitRecord(out, 'PROCESS_STATE_STOPPED', 'processname:sleeper', n);
    n = at();
    await d.removeProcessGroup('sleeper');
    await waitRecord(out, 'PROCESS_GROUP_REMOVED', 'groupname:sleeper', n);
    n = at();
    await d.addProcessGroup('sleeper');
    await waitRecord(out, 'PROCESS_GROUP_ADDED', 'groupname:sleeper', n);
  } finally {
    await d.stop();
  }
  return normalize(readRecords(out));
}

/** Captured text stays out of the log file; the rest is there. */
function expectTalkerLog(dir: string): void {
  const log = fs.readFileSync(path.join(dir, 'talker.out'), 'utf8');
  expect(log).toBe('a plain stdout line from the talker\n');
}

/** What both supervisord and Paddock deliver for the script (serials from 0, one pool). */
const EXPECTED: [string, string][] = [
  ['PROCESS_GROUP_ADDED', 'groupname:listener\n'],
  ['PROCESS_GROUP_ADDED', 'groupname:fatal\n'],
  ['PROCESS_GROUP_ADDED', 'groupname:sleeper\n'],
  ['PROCESS_GROUP_ADDED', 'groupname:talker\n'],
  ['SUPERVISOR_STATE_CHANGE_RUNNING', ''],
  ['PROCESS_STATE_STARTING', 'processname:listener groupname:listener from_state:STOPPED tries:0'],
  ['PROCESS_STATE_RUNNING', 'processname:listener groupname:listener from_state:STARTING pid:N'],
  ['PROCESS_STATE_STARTING', 'processname:talker groupname:talker from_state:STOPPED tries:0'],
  ['PROCESS_STATE_RUNNING', 'processname:talker groupname:talker from_state:STARTING pid:N'],
  [
    'PROCESS_LOG_STDOUT',
    'processname:talker groupname:talker pid:N channel:stdout\na plain stdout line from the talker\n',
  ],
  [
    'PROCESS_LOG_STDERR',
    'processname:talker groupname:talker pid:N channel:stderr\na stderr line from the talker\n',
  ],
  // supervisord also makes PROCESS_LOG events of captured text (it is logged to the capture log)
  [
    'PROCESS_LOG_STDOUT',
    'processname:talker groupname:talker pid:N channel:stdout\ncaptured line one\ncaptured two',
  ],
  [
    'PROCESS_COMMUNICATION_STDOUT',
    'processname:talker groupname:talker pid:N\ncaptured line one\ncaptured two',
  ],
  ['REMOTE_COMMUNICATION', 'type:paddock-test\nremote data\nwith two lines'],
  [
    'PROCESS_STATE_EXITED',
    'processname:talker groupname:talker from_state:RUNNING expected:0 pid:N',
  ],
  ['PROCESS_STATE_STARTING', 'processname:fatal groupname:fatal from_state:STOPPED tries:0'],
  ['PROCESS_STATE_BACKOFF', 'processname:fatal groupname:fatal from_state:STARTING tries:1'],
  ['PROCESS_STATE_STARTING', 'processname:fatal groupname:fatal from_state:BACKOFF tries:1'],
  ['PROCESS_STATE_BACKOFF', 'processname:fatal groupname:fatal from_state:STARTING tries:2'],
  ['PROCESS_STATE_FATAL', 'processname:fatal groupname:fatal from_state:BACKOFF'],
  ['PROCESS_STATE_STARTING', 'processname:sleeper groupname:sleeper from_state:STOPPED tries:0'],
  ['PROCESS_STATE_RUNNING', 'processname:sleeper groupname:sleeper from_state:STARTING pid:N'],
  ['PROCESS_STATE_STOPPING', 'processname:sleeper groupname:sleeper from_state:RUNNING pid:N'],
  ['PROCESS_STATE_STOPPED', 'processname:sleeper groupname:sleeper from_state:STOPPING pid:N'],
  ['PROCESS_GROUP_REMOVED', 'groupname:sleeper\n'],
  ['PROCESS_GROUP_ADDED', 'groupname:sleeper\n'],
];

function expectedText(): string[] {
  return EXPECTED.map(([name, payload], i) => {
    return `OK ver:3.0 server:supervisor serial:${i} pool:listener poolserial:${i} eventname:${name} len:ok\n${payload}`;
  });
}

/** The scenario's records up to the last expected event (shutdown events differ in timing). */
function upToScript(records: string[]): string[] {
  return records.slice(0, EXPECTED.length);
}

let tsListener: (out: string, mode?: string) => string;

beforeAll(async () => {
  tsListener = await tsListenerBuilder(tempDir('paddock-tslistener-'));
});

describe('scripted sequence', () => {
  it('a childutils (Python) listener on Paddock receives exactly the expected events', async () => {
    const dir = tempDir('paddock-ev-py-');
    const out = path.join(dir, 'records.jsonl');
    fs.writeFileSync(path.join(dir, 'supervisord.conf'), scenarioConf(dir, pyListener(out)));
    const got = await runScenario(await paddockDriver(path.join(dir, 'supervisord.conf')), out);
    expect(upToScript(got)).toEqual(expectedText());
    expectTalkerLog(dir);
  }, 90_000);

  it('a listener written with the TypeScript helper on Paddock receives exactly the same events', async () => {
    const dir = tempDir('paddock-ev-ts-');
    const out = path.join(dir, 'records.jsonl');
    fs.writeFileSync(path.join(dir, 'supervisord.conf'), scenarioConf(dir, tsListener(out)));
    const got = await runScenario(await paddockDriver(path.join(dir, 'supervisord.conf')), out);
    expect(upToScript(got)).toEqual(expectedText());
    expectTalkerLog(dir);
  }, 90_000);

  it.skipIf(!HAVE_SUPERVISORD)(
    'the real supervisord delivers the same events to the same listener',
    async () => {
      const dir = tempDir('paddock-ev-real-');
      const out = path.join(dir, 'records.jsonl');
      const conf = path.join(dir, 'supervisord.conf');
      fs.writeFileSync(conf, scenarioConf(dir, pyListener(out)));
      const got = await runScenario(await supervisordDriver(conf, path.join(dir, 'rpc.sock')), out);
      expect(upToScript(got)).toEqual(expectedText());
      expectTalkerLog(dir);
    },
    90_000,
  );
});
